#!/usr/bin/env bash
# prettier with its XML plugin on the given files (the pre-commit hook `prettier-xml`).
# prettier 3 looks for plugins next to the project, not where pre-commit installed them:
# hand it the plugin's path, found through NODE_PATH (set by pre-commit's node env).
set -euo pipefail
plugin=$(node -p 'require.resolve("@prettier/plugin-xml")')
exec prettier --plugin="$plugin" --write "$@"
