# The rollups' triggers and a first recount of existing rows (PostgreSQL only: elsewhere
# the health figures count the rows directly).

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from insights import rollups  # the SQL lives with the code that reads the rollups

    schema_editor.execute(rollups.INSTALL)
    schema_editor.execute(rollups.RECOUNT.format(sessions="", actions=""))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from insights import rollups  # as above

    schema_editor.execute(rollups.UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_program_day_rollups"),
        ("session_logs", "0006_program_on_sessions_and_actions"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
