import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0003_health_covering_indexes"),
        ("mentorship", "0003_admin_invite"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkin",
            name="program",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="mentorship.program",
            ),
        ),
        # Existing rows take their pair's program (one UPDATE; pairs never move).
        migrations.RunSQL(
            "UPDATE checkins_checkin SET program_id = "
            "(SELECT program_id FROM pairs_pair WHERE pairs_pair.id = pair_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="checkin",
            name="program",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="mentorship.program",
            ),
        ),
        migrations.RemoveIndex(model_name="checkin", name="checkin_pair_due"),
        migrations.AddIndex(
            model_name="checkin",
            index=models.Index(
                fields=["program", "answered_at"],
                include=("id", "score"),
                name="checkin_program_answered",
            ),
        ),
        migrations.AddIndex(
            model_name="checkin",
            index=models.Index(
                fields=["program", "due_at"],
                include=("id", "answered_at", "score", "good_fit", "wants_help"),
                name="checkin_program_due",
            ),
        ),
    ]
