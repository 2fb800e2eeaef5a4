from django.urls import path

from . import views

app_name = "champions"

urlpatterns = [
    path("", views.home, name="home"),
    path("milestones/", views.milestone_list, name="milestones"),
    path("milestones/add/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_id>/", views.milestone_edit, name="milestone_edit"),
    path("objectives/", views.period, name="period"),
    path("objectives/add/", views.objective_add, name="objective_add"),
    path("objectives/<int:objective_id>/", views.objective_detail, name="objective"),
    path("objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path(
        "objectives/<int:objective_id>/key-results/add/",
        views.key_result_add,
        name="key_result_add",
    ),
    path("key-results/<int:key_result_id>/check-in/", views.check_in, name="check_in"),
    path("key-results/<int:key_result_id>/edit/", views.key_result_edit, name="key_result_edit"),
    path("use-cases/", views.use_case_list, name="use_cases"),
    path("use-cases/add/", views.use_case_add, name="use_case_add"),
    path("use-cases/<int:use_case_id>/score/", views.use_case_score, name="use_case_score"),
    path("use-cases/<int:use_case_id>/edit/", views.use_case_edit, name="use_case_edit"),
    path("tree/", views.tree, name="tree"),
    path("tree/add/", views.tree_add, name="tree_add"),
    path("tree/<int:node_id>/", views.tree_edit, name="tree_edit"),
    path("roi/", views.roi, name="roi"),
    path("roi/measures/add/", views.roi_measure_add, name="roi_measure_add"),
    path("roi/measurements/add/", views.roi_measurement_add, name="roi_measurement_add"),
    path("curve/", views.maturity_curve, name="curve"),
]
