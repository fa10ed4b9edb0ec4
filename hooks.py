def post_init_hook(env):
    """Give every existing company the default follow-up plan.

    Companies created later get it from ``res.company.create``.
    """
    env["res.company"].search([])._followup_create_default_levels()
