from django.urls import path

from . import views

urlpatterns = [
    path("payments/<int:payment_id>/capture", views.capture),
    path("health", views.health),
]
