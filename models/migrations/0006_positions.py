from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import DatePrecision, FeedKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_data_generation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Position',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('issue', fields.ForeignKeyField('models.Issue', source_field='issue_id', db_constraint=True, to_field='id', related_name='positions', on_delete=OnDelete.RESTRICT)),
                ('country', fields.CharField(max_length=2)),
                ('stated_on', fields.DateField()),
                ('stated_precision', fields.CharEnumField(description='DAY: DAY\nMONTH: MONTH\nYEAR: YEAR', enum_type=DatePrecision, max_length=8)),
                ('speaker', fields.CharField(max_length=300)),
                ('statement', fields.TextField(unique=False)),
                ('quote', fields.TextField(unique=False)),
                ('source_url', fields.CharField(max_length=2048)),
                ('source_title', fields.CharField(null=True, max_length=500)),
                ('source_publisher', fields.CharField(null=True, max_length=300)),
                ('verified', fields.BooleanField(default=True)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('retracted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('retraction_reason', fields.TextField(null=True, unique=False)),
                ('retracted_by', fields.CharField(null=True, max_length=100)),
            ],
            options={'table': 'position', 'app': 'models', 'indexes': [Index(fields=['issue_id', 'stated_on', 'id'], name='position_issue_order_idx'), Index(fields=['stated_on', 'id'], name='position_feed_idx')], 'pk_attr': 'id', 'table_description': "One country's stated position on an issue, retracted but never deleted."},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='FeedEntry',
            name='kind',
            field=fields.CharEnumField(description='RECORDED: RECORDED\nRETRACTED: RETRACTED\nPOSITION_RECORDED: POSITION_RECORDED\nPOSITION_RETRACTED: POSITION_RETRACTED', enum_type=FeedKind, max_length=20),
        ),
        ops.AlterField(
            model_name='FeedEntry',
            name='update',
            field=fields.ForeignKeyField('models.StatusUpdate', source_field='update_id', null=True, db_constraint=True, to_field='id', related_name='feed_entries', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='FeedEntry',
            name='position',
            field=fields.ForeignKeyField('models.Position', source_field='position_id', null=True, db_constraint=True, to_field='id', related_name='feed_entries', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='FeedEntry',
            index=Index(fields=['position_id', 'kind'], name='feed_position_idx'),
        ),
        # On SQLite, altering a column rebuilds the table and loses its other
        # indexes; put them back (a no-op on PostgreSQL, which keeps them).
        ops.RunSQL(
            [
                'CREATE INDEX IF NOT EXISTS "feed_issue_idx" ON "feed_entry" ("issue_id", "id")',
                'CREATE INDEX IF NOT EXISTS "feed_relationship_idx" ON "feed_entry" ("relationship_id", "id")',
                'CREATE INDEX IF NOT EXISTS "feed_update_idx" ON "feed_entry" ("update_id", "kind")',
            ],
            reverse_sql=[],
        ),
    ]
