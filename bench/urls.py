"""Routes served only when settings.BENCHMARK_ENDPOINTS is true (config/urls.py)."""

from django.urls import path

from . import views

app_name = "bench"

urlpatterns = [path("__bench__/bare", views.bare, name="bare")]
