#!/usr/bin/env python3
"""A real OpenID Connect provider for Ringfence's console tests: django-oidc-provider (PyPI)
in a throw-away Django site, on loopback, with its SQLite database in FOLDER.

Prints "listening PORT" once it serves (the issuer is http://127.0.0.1:PORT/openid), then
answers one command per line on stdin, one line on stdout:

  client ID SECRET REDIRECT_URI   registers a confidential code-flow client (RS256 ID
                                  tokens, no consent screen)  -> "ok"
  user NAME PASSWORD              adds a person               -> "ok"
  rotate                          replaces the signing key (the JWKS changes)  -> "ok"
  sign-in NAME PASSWORD URL       opens URL (an authorization request), signs in through
                                  the provider's own login form as a browser would, and
                                  prints where the provider finally sends the browser
                                  (the client's redirect URI with code and state)

Misbehaviour, for the client's checks only, by user name: 'mallory' gets ID tokens for
another audience, 'eve' ones signed with a key the provider does not publish (under the
published kid), 'old' expired ones, 'replay' ones with another nonce. Everyone else gets
what django-oidc-provider issues.
"""

import argparse
import contextlib
import html
import http.cookiejar
import os
import re
import sys
import threading
import urllib.parse
import urllib.request
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def userinfo(claims, user):
    claims["preferred_username"] = user.username
    claims["email"] = user.email or f"{user.username}@example.com"
    claims["name"] = user.username
    return claims


def misbehave(id_token, user, token, request, **kwargs):
    if user.username == "mallory":
        id_token["aud"] = "another-client"
    elif user.username == "old":
        id_token["iat"] = id_token["iat"] - 7200
        id_token["exp"] = id_token["iat"] + 600
    elif user.username == "replay":
        id_token["nonce"] = "a-nonce-of-another-sign-in"
    return id_token


LOGIN_TEMPLATE = """<!DOCTYPE html><html><body>
<form method="post" action="">{% csrf_token %}{{ form.as_p }}
<input type="hidden" name="next" value="{{ next }}"><button type="submit">Sign in</button></form>
</body></html>"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base, name, password, url):
    """Follows the provider's redirects as a browser would until it leaves the provider."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def fetch(target, data=None, referer=None):
        request = urllib.request.Request(target, data=data)
        if referer:
            request.add_header("Referer", referer)
        try:
            response = opener.open(request, timeout=30)
            return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    target = url
    for _ in range(10):
        status, headers, body = fetch(target)
        if status in (301, 302, 303, 307):
            location = urllib.parse.urljoin(target, headers["Location"])
            if not location.startswith(base):
                return location
            target = location
            continue
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status == 200 and match:
            next_page = re.search(r'name="next" value="([^"]*)"', body)
            form = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": match.group(1),
                    "username": name,
                    "password": password,
                    "next": html.unescape(next_page.group(1)) if next_page else "",
                }
            ).encode()
            status, headers, body = fetch(target, data=form, referer=target)
            if status not in (302, 303):
                return "refused-by-login-form"
            target = urllib.parse.urljoin(target, headers["Location"])
            continue
        sys.stderr.write(body[:2000] + "\n")
        return f"unexpected-{status}"
    return "too-many-redirects"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", required=True)
    args = parser.parse_args()

    server = make_server("127.0.0.1", 0, lambda e, s: [], server_class=ThreadingServer, handler_class=QuietHandler)
    port = server.server_port
    base = f"http://127.0.0.1:{port}"
    templates = os.path.join(args.folder, "templates")
    os.makedirs(os.path.join(templates, "registration"), exist_ok=True)
    with open(os.path.join(templates, "registration", "login.html"), "w") as out:
        out.write(LOGIN_TEMPLATE)

    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.urandom(32).hex(),
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oidc_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [templates],
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(args.folder, "oidc.db")}},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        SITE_URL=base,
        LOGIN_URL="/accounts/login/",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        OIDC_USERINFO=f"{__name__}.userinfo",
        OIDC_IDTOKEN_INCLUDE_CLAIMS=True,
        OIDC_IDTOKEN_PROCESSING_HOOK=f"{__name__}.misbehave",
    )
    import django

    django.setup()
    from django.contrib.auth import views as auth_views
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.urls import include, path

    global urlpatterns
    urlpatterns = [
        path("accounts/login/", auth_views.LoginView.as_view()),
        path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
    ]
    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(sys.stderr):
        call_command("creatersakey")

    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from oidc_provider.lib.endpoints import token as token_endpoint
    from oidc_provider.models import Client, ResponseType, RSAKey

    unpublished = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issue = token_endpoint.encode_id_token

    def encode(payload, client):
        if payload.get("preferred_username") == "eve":
            kid = RSAKey.objects.first().kid
            return jwt.encode(payload, unpublished, algorithm="RS256", headers={"kid": kid})
        return issue(payload, client)

    token_endpoint.encode_id_token = encode

    from django.core.wsgi import get_wsgi_application

    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening {port}", flush=True)

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "client" and len(words) == 4:
                client, _ = Client.objects.update_or_create(
                    client_id=words[1],
                    defaults={
                        "name": words[1],
                        "client_type": "confidential",
                        "client_secret": words[2],
                        "jwt_alg": "RS256",
                        "require_consent": False,
                        "_redirect_uris": words[3],
                    },
                )
                client.response_types.set([ResponseType.objects.get(value="code")])
                answer = "ok"
            elif words[0] == "user" and len(words) == 3:
                User.objects.create_user(words[1], password=words[2])
                answer = "ok"
            elif words[0] == "rotate" and len(words) == 1:
                RSAKey.objects.all().delete()
                with contextlib.redirect_stdout(sys.stderr):
                    call_command("creatersakey")
                answer = "ok"
            elif words[0] == "sign-in" and len(words) == 4:
                answer = sign_in(base, words[1], words[2], words[3])
            else:
                answer = "unknown-command"
        except Exception as error:  # the test shows what went wrong
            answer = f"error {type(error).__name__}: {error}".replace("\n", " ")
        print(answer, flush=True)


urlpatterns = []

if __name__ == "__main__":
    main()
