from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "commonwork.members"
    label = "members"
