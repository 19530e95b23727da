from django.urls import path

from lantern.audits import views

app_name = "audits"
urlpatterns = [
    path("audits/", views.index, name="index"),
    path("audits/samples/new/", views.sample_new, name="sample_new"),
    path("audits/samples/<int:sample_id>/", views.sample_detail, name="sample"),
    path("audits/reports/agreement/", views.report_agreement, name="report_agreement"),
    path("audits/reports/themes/", views.report_themes, name="report_themes"),
    path("audits/actions/<int:action_id>/complete/", views.action_complete, name="action_complete"),
    path("audits/<int:audit_id>/", views.audit_detail, name="audit"),
    path("audits/<int:audit_id>/moderator/", views.audit_moderator, name="moderator"),
    path("audits/<int:audit_id>/moderate/", views.audit_moderate, name="moderate"),
    path("audits/<int:audit_id>/actions/new/", views.action_new, name="action_new"),
    path("children/<int:child_id>/audits/", views.child_audits, name="child_audits"),
    path("children/<int:child_id>/audits/new/", views.child_audit_new, name="child_audit_new"),
]
