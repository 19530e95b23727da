from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "lantern.onboarding"
    verbose_name = "Onboarding"
