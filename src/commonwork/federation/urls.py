from django.urls import path

from commonwork.federation import views

# The protocol's addresses, outside the language prefix (site/urls.py).
protocol_urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo_links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("federation/actor", views.actor, name="federation_actor"),
    path("federation/inbox", views.inbox, name="federation_inbox"),
    path("federation/outbox", views.outbox, name="federation_outbox"),
]

# The stewards' pages, in the page's language.
urlpatterns = [
    path("federation/", views.peers, name="federation_peers"),
    path("federation/observatory/", views.observatory, name="federation_observatory"),
    path("federation/link/", views.link, name="federation_link"),
    path("federation/peers/<int:peer_id>/decide/", views.decide, name="federation_decide"),
    path("federation/peers/<int:peer_id>/end/", views.end, name="federation_end"),
    path("federation/peers/<int:peer_id>/bank/", views.bank_account, name="federation_bank"),
    path("federation/tasks/<int:task_id>/offer/", views.offer_task, name="federation_offer"),
    path("federation/requests/<int:mirror_id>/take/", views.take_on, name="federation_take_on"),
]
