# ruff: noqa: B018  (each line names an attribute for vulture; that is the point)
"""Names used only in ways scripts/dead_code.py cannot see, each with who uses it (a vulture whitelist).

Each line names the attribute so vulture counts it as used; the comment says who calls it.
"""

_ = object()

# Arguments whose names the caller fixes: Django's system-check framework (app_configs), django-axes'
# lockout callable (original_response), Field.from_db_value (expression), import-export's resource
# hooks (instance_loader, is_create).
_.app_configs
_.original_response
_.expression
_.instance_loader
_.is_create

# Called by the data migrations of pii (migrations are not scanned).
_.encrypt_columns
_.decrypt_columns

# Called by name by the admin's transition buttons of the certificate's `lapse` and `reinstate`
# (registry/admin/transitions.py builds `certificate_<transition>`).
_.certificate_lapse
_.certificate_reinstate

# Django's ModelChoiceField calls label_from_instance for each option (supervision/check_forms.py).
_.label_from_instance

# Django calls a middleware's process_exception when a view raises (config/errors.py, decision 0101).
_.process_exception

# Django's AdminSite serves the admin's JavaScript catalogue through i18n_javascript (config/admin_site.py
# overrides it to add the two-box picker's strings).
_.i18n_javascript

# prometheus_client calls a registered collector's collect() at every scrape (ops/metrics.py); logging
# calls a formatter's formatTime(record, datefmt) (ops/logs.py).
_.collect
_.formatTime
_.datefmt
# The operation new migrations use to index a large table without blocking writes (common/migration_ops.py,
# required by tests/migrating/test_migration_safety.py; migrations are not scanned).
_.AddIndexConcurrently
