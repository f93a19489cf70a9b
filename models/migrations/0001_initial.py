from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.enums import DatePrecision, IssueCategory, IssueStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Relationship',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('countries', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'relationship', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Two countries (ISO 3166-1 alpha-2 codes) and the issues between them.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Issue',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('relationship', fields.ForeignKeyField('models.Relationship', source_field='relationship_id', db_constraint=True, to_field='id', related_name='issues', on_delete=OnDelete.RESTRICT)),
                ('slug', fields.CharField(max_length=100)),
                ('title', fields.CharField(max_length=200)),
                ('summary', fields.TextField(default='', unique=False)),
                ('category', fields.CharEnumField(description='BORDER: BORDER\nCONNECTIVITY: CONNECTIVITY\nVISAS: VISAS\nTECHNOLOGY: TECHNOLOGY\nPILGRIMAGE: PILGRIMAGE\nWATER: WATER\nTRADE: TRADE\nCULTURE: CULTURE\nMEDIA: MEDIA', enum_type=IssueCategory, max_length=20)),
                ('raised_by', fields.CharField(default='', max_length=32)),
                ('status', fields.CharEnumField(null=True, description='PROPOSED: PROPOSED\nUNDER_DISCUSSION: UNDER_DISCUSSION\nAGREED_IN_PRINCIPLE: AGREED_IN_PRINCIPLE\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED\nSUSPENDED: SUSPENDED\nSTALLED: STALLED', enum_type=IssueStatus, max_length=24)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'issue', 'app': 'models', 'unique_together': (('relationship', 'slug'),), 'indexes': [Index(fields=['relationship_id', 'status'], name='issue_rel_status_idx'), Index(fields=['relationship_id', 'category'], name='issue_rel_category_idx'), Index(fields=['slug', 'id'], name='issue_slug_idx'), Index(fields=['title', 'id'], name='issue_title_idx'), Index(fields=['created_at', 'id'], name='issue_created_idx'), Index(fields=['updated_at', 'id'], name='issue_updated_idx'), Index(fields=['archived_at'], name='issue_archived_idx')], 'pk_attr': 'id', 'table_description': 'One tracked issue, whose status is derived from its history, never set directly.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('relationship', fields.ForeignKeyField('models.Relationship', source_field='relationship_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.RESTRICT)),
                ('held_on', fields.DateField()),
                ('held_precision', fields.CharEnumField(description='DAY: DAY\nMONTH: MONTH\nYEAR: YEAR', enum_type=DatePrecision, max_length=8)),
                ('title', fields.CharField(max_length=300)),
                ('location', fields.CharField(null=True, max_length=200)),
                ('participants', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('summary', fields.TextField(default='', unique=False)),
                ('source_url', fields.CharField(null=True, max_length=2048)),
                ('source_title', fields.CharField(null=True, max_length=500)),
                ('source_publisher', fields.CharField(null=True, max_length=300)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('recorded_by', fields.CharField(max_length=100)),
            ],
            options={'table': 'meeting', 'app': 'models', 'indexes': [Index(fields=['relationship_id', 'held_on', 'id'], name='meeting_rel_held_idx'), Index(fields=['held_on', 'id'], name='meeting_held_idx')], 'pk_attr': 'id', 'table_description': 'A meeting, visit or summit, held on a partial date like an update.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MeetingIssue',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('models.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='issue_links', on_delete=OnDelete.CASCADE)),
                ('issue', fields.ForeignKeyField('models.Issue', source_field='issue_id', db_constraint=True, to_field='id', related_name='meeting_links', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'meeting_issue', 'app': 'models', 'unique_together': (('meeting', 'issue'),), 'indexes': [Index(fields=['issue_id', 'meeting_id'], name='meeting_issue_issue_idx')], 'pk_attr': 'id', 'table_description': 'Links a meeting to an issue it discussed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StatusUpdate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('issue', fields.ForeignKeyField('models.Issue', source_field='issue_id', db_constraint=True, to_field='id', related_name='updates', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(description='PROPOSED: PROPOSED\nUNDER_DISCUSSION: UNDER_DISCUSSION\nAGREED_IN_PRINCIPLE: AGREED_IN_PRINCIPLE\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED\nSUSPENDED: SUSPENDED\nSTALLED: STALLED', enum_type=IssueStatus, max_length=24)),
                ('occurred_on', fields.DateField()),
                ('occurred_precision', fields.CharEnumField(description='DAY: DAY\nMONTH: MONTH\nYEAR: YEAR', enum_type=DatePrecision, max_length=8)),
                ('note', fields.TextField(unique=False)),
                ('source_url', fields.CharField(null=True, max_length=2048)),
                ('source_title', fields.CharField(null=True, max_length=500)),
                ('source_publisher', fields.CharField(null=True, max_length=300)),
                ('verified', fields.BooleanField(default=True)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('retracted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('retraction_reason', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'status_update', 'app': 'models', 'indexes': [Index(fields=['issue_id', 'occurred_on', 'id'], name='update_issue_order_idx'), Index(fields=['occurred_on', 'id'], name='update_feed_idx'), Index(fields=['status'], name='update_status_idx')], 'pk_attr': 'id', 'table_description': "A dated, sourced report of an issue's status, retracted but never deleted."},
            bases=['Model'],
        ),
    ]
