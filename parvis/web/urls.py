from __future__ import annotations

from django.urls import path

from parvis.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("demo/", views.demo_start, name="demo_start"),
    path("o/<slug:org>/", views.dashboard, name="dashboard"),
]
