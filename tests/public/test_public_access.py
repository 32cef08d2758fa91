"""The public site (app/web/public) opens without signing in; nothing else does."""
import re

from app.security import PUBLIC_BLUEPRINT, PUBLIC_ENDPOINTS


def _get_rules(app, *, public: bool):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        is_public = rule.endpoint.startswith(PUBLIC_BLUEPRINT + ".")
        if is_public == public:
            yield rule


def _concrete(rule) -> str:
    # Any id that fits the path converters: the point is who may ask, not what is found.
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "1", rule.rule)


def test_every_public_page_answers_without_signing_in(client, app):
    rules = [r for r in _get_rules(app, public=True) if not r.arguments]
    assert any(r.endpoint == "public.home" for r in rules)
    for rule in rules:
        response = client.get(rule.rule)
        assert response.status_code == 200, rule.rule
        assert "退出" not in response.text  # no staff session appears out of nowhere


def test_nothing_outside_the_public_site_opens_without_signing_in(client, app):
    for rule in _get_rules(app, public=False):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.get(_concrete(rule))
        assert response.status_code in (302, 401), (rule.rule, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.location, rule.rule


def test_the_public_home_lists_the_public_pages_in_both_languages(client):
    page = client.get("/public/")
    assert "办事服务" in page.text and '<html lang="zh-CN">' in page.text
    english = client.get("/public/?lang=en")
    assert '<html lang="en">' in english.text


def test_a_public_error_page_keeps_the_public_layout(client):
    missing = client.get("/public/items/NO-SUCH-ITEM")
    assert missing.status_code == 404
    assert "办事服务导航" in missing.text and "返回办事服务首页" in missing.text
    staff = client.get("/login")
    assert "办事服务导航" not in staff.text
