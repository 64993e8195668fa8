import django.db.models.deletion
from django.db import migrations, models


def _program_of_pair(table):
    # Existing rows take their pair's program (one UPDATE; pairs never move).
    return migrations.RunSQL(
        f"UPDATE {table} SET program_id = "  # noqa: S608 - a constant table name
        f"(SELECT program_id FROM pairs_pair WHERE pairs_pair.id = {table}.pair_id)",
        migrations.RunSQL.noop,
    )


def _program(null):
    return models.ForeignKey(
        null=null,
        db_index=False,
        editable=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="mentorship.program",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0003_admin_invite"),
        ("session_logs", "0007_open_actions_index_with_pair"),
    ]

    operations = [
        migrations.AddField(model_name="goal", name="program", field=_program(True)),
        _program_of_pair("session_logs_goal"),
        migrations.AlterField(model_name="goal", name="program", field=_program(False)),
        migrations.AddField(model_name="agendaitem", name="program", field=_program(True)),
        _program_of_pair("session_logs_agendaitem"),
        migrations.AlterField(model_name="agendaitem", name="program", field=_program(False)),
        migrations.AddIndex(
            model_name="goal",
            index=models.Index(
                fields=["program", "side"], include=("status", "reached_at"), name="goal_program"
            ),
        ),
        migrations.AddIndex(
            model_name="agendaitem",
            index=models.Index(
                fields=["program", "created_at"], include=("side",), name="agenda_program"
            ),
        ),
    ]
