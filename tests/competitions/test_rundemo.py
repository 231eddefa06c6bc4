"""`rundemo`'s worker and web server put this server's address into e-mailed links."""

from competitions.management.commands.rundemo import child_environment


def test_links_in_the_demos_emails_lead_to_the_port_it_serves_on():
    environment = child_environment("127.0.0.1", 8123, {"DEBUG": "1"})
    assert environment["SITE_URL"] == "http://127.0.0.1:8123"
    assert environment["DEBUG"] == "1"


def test_a_demo_serving_every_interface_links_to_localhost():
    assert child_environment("0.0.0.0", 8000, {})["SITE_URL"] == "http://localhost:8000"


def test_a_site_url_set_on_purpose_is_kept():
    environment = child_environment("127.0.0.1", 8123, {"SITE_URL": "https://kompe.example"})
    assert environment["SITE_URL"] == "https://kompe.example"


def test_the_demo_compiles_catalogues_the_make_step_did_not(tmp_path):
    import gettext
    import shutil

    from django.conf import settings

    from competitions.management.commands.rundemo import compile_stale_catalogues

    folder = tmp_path / "ja" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(settings.BASE_DIR / "locale/ja/LC_MESSAGES/django.po", folder)
    assert compile_stale_catalogues([tmp_path]) == [folder / "django.mo"]
    assert compile_stale_catalogues([tmp_path]) == []  # up to date: left alone
    with (folder / "django.mo").open("rb") as compiled:
        assert gettext.GNUTranslations(compiled).gettext("Competitions") == "コンペティション"
