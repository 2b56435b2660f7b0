"""A minimal SAML 2.0 identity provider for the tests, signing with python3-saml's own xmlsec
helpers (the library Relevo's service provider validates with).

Run: `python -m tests.sso.saml_idp CONFIG.json PORT`. CONFIG names the IdP's key and
certificate, the password and the people:
{"key": path, "cert": path, "password": str,
 "users": {username: {"email", "given", "family", "verified"?, "mfa"?, "attributes"?}}}

- GET  /metadata  the IdP's metadata (entity id, SSO and SLO, signing certificate);
- GET  /sso       HTTP-Redirect AuthnRequest: with a session cookie, answers at once; else the
                  password form;
- POST /login     the form: checks the password, opens the IdP session (cookie), answers;
- GET  /slo       HTTP-Redirect LogoutRequest: ends the IdP session and sends a LogoutResponse
                  to the SP's SLS (its entity id's .../metadata/ → .../sls/).
An answer is an auto-submitting form (HTTP-POST binding) to the AuthnRequest's ACS URL with a
Response signed (RSA-SHA256) as a whole and in its assertion.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import sys
import zlib
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

NS = {"samlp": C.NS_SAMLP, "saml": C.NS_SAML}
MFA_CONTEXT = "https://refeds.org/profile/mfa"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
EMAIL_ATTRIBUTE = "urn:oid:0.9.2342.19200300.100.1.3"
GIVEN_ATTRIBUTE = "urn:oid:2.5.4.42"
FAMILY_ATTRIBUTE = "urn:oid:2.5.4.4"


def _now(delta: int = 0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _inflate(value: str) -> bytes:
    return zlib.decompress(base64.b64decode(value), -15)


def _deflate(xml: str) -> str:
    compressor = zlib.compressobj(wbits=-15)
    return base64.b64encode(compressor.compress(xml.encode()) + compressor.flush()).decode()


class IdP:
    def __init__(self, config: dict, base_url: str) -> None:
        self.config = config
        self.base_url = base_url
        self.entity_id = f"{base_url}/metadata"
        with open(config["key"]) as key, open(config["cert"]) as cert:
            self.key, self.cert = key.read(), cert.read()
        self.sessions: dict[str, str] = {}  # cookie -> username

    # --- the pages ------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        sid = cookie["idp_session"].value if "idp_session" in cookie else ""
        if path == "/broken":  # an IdP answering 5xx
            return self._answer(start_response, "500 Internal Server Error", "boom", "text/plain")
        if path == "/metadata":
            return self._answer(start_response, "200 OK", self.metadata(), "text/xml")
        if path == "/sso":
            username = self.sessions.get(sid)
            if username:
                return self._post_back(start_response, query, username)
            return self._answer(start_response, "200 OK", self.login_form(query))
        if path == "/login" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            username = form.get("username", "")
            if (
                username not in self.config["users"]
                or form.get("password") != self.config["password"]
            ):
                return self._answer(start_response, "200 OK", self.login_form(form, error=True))
            sid = secrets.token_urlsafe(16)
            self.sessions[sid] = username
            return self._post_back(
                start_response, form, username, [("Set-Cookie", f"idp_session={sid}; Path=/")]
            )
        if path == "/slo":
            self.sessions.pop(sid, None)
            return self._logout(start_response, query)
        return self._answer(start_response, "404 Not Found", "not found", "text/plain")

    def _answer(self, start_response, status, body, content_type="text/html", headers=()):
        start_response(status, [("Content-Type", f"{content_type}; charset=utf-8"), *headers])
        return [body.encode()]

    def login_form(self, params: dict, error: bool = False) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(params.get(name, ""))}">'
            for name in ("SAMLRequest", "RelayState")
        )
        return (
            '<!DOCTYPE html><html lang="es"><head><title>IdP de prueba</title></head><body>'
            "<h1>Proveedor SAML de prueba</h1>"
            + ("<p role='alert'>Contraseña incorrecta</p>" if error else "")
            + '<form method="post" action="/login">'
            + hidden
            + '<label>Usuario <input name="username" id="idp-username"></label>'
            '<label>Contraseña <input type="password" name="password" id="idp-password"></label>'
            '<button type="submit" id="idp-submit">Entrar</button></form></body></html>'
        )

    # --- SAML messages ----------------------------------------------------------------------

    def metadata(self) -> str:
        cert = OneLogin_Saml2_Utils.format_cert(self.cert, heads=False)
        return (
            f'<md:EntityDescriptor xmlns:md="{C.NS_MD}" entityID="{self.entity_id}">'
            f'<md:IDPSSODescriptor protocolSupportEnumeration="{C.NS_SAMLP}">'
            '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/'
            f'xmldsig#"><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate>'
            "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            f'<md:SingleLogoutService Binding="{C.BINDING_HTTP_REDIRECT}" '
            f'Location="{self.base_url}/slo"/>'
            f'<md:SingleSignOnService Binding="{C.BINDING_HTTP_REDIRECT}" '
            f'Location="{self.base_url}/sso"/>'
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        )

    def _post_back(self, start_response, params: dict, username: str, headers=()):
        request = etree.fromstring(_inflate(params["SAMLRequest"]))
        acs = request.get("AssertionConsumerServiceURL")
        sp = request.findtext("saml:Issuer", namespaces=NS)
        response = self.response(username, request.get("ID"), acs, sp)
        relay = params.get("RelayState", "")
        body = (
            '<!DOCTYPE html><html lang="es"><head><title>Volviendo</title></head>'
            '<body onload="document.forms[0].submit()">'
            f'<form method="post" action="{html.escape(acs)}">'
            f'<input type="hidden" name="SAMLResponse" value="{response}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
            '<noscript><button type="submit">Continuar</button></noscript>'
            "</form></body></html>"
        )
        return self._answer(start_response, "200 OK", body, headers=headers)

    def response(self, username: str, in_response_to: str, acs: str, sp: str) -> str:
        user = self.config["users"][username]
        attributes = {
            **({EMAIL_ATTRIBUTE: user["email"]} if user["email"] else {}),
            GIVEN_ATTRIBUTE: user["given"],
            FAMILY_ATTRIBUTE: user["family"],
            **user.get("attributes", {}),
        }
        if "verified" in user:
            attributes["email_verified"] = "true" if user["verified"] else "false"
        statements = "".join(
            f'<saml:Attribute Name="{html.escape(name)}" '
            'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
            f"<saml:AttributeValue>{html.escape(str(value))}</saml:AttributeValue>"
            "</saml:Attribute>"
            for name, value in attributes.items()
        )
        context = MFA_CONTEXT if user.get("mfa") else PASSWORD_CONTEXT
        name_id_format = C.NAMEID_EMAIL_ADDRESS if user["email"] else C.NAMEID_UNSPECIFIED
        response_id, assertion_id = f"_r{secrets.token_hex(16)}", f"_a{secrets.token_hex(16)}"
        session_index = f"_s{secrets.token_hex(8)}"
        assertion = (
            f'<saml:Assertion xmlns:saml="{C.NS_SAML}" ID="{assertion_id}" Version="2.0" '
            f'IssueInstant="{_now()}"><saml:Issuer>{self.entity_id}</saml:Issuer>'
            f'<saml:Subject><saml:NameID Format="{name_id_format}">'
            f"{html.escape(user['email'] or username)}</saml:NameID>"
            f'<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData InResponseTo="{in_response_to}" '
            f'NotOnOrAfter="{_now(300)}" Recipient="{html.escape(acs)}"/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_now(-60)}" NotOnOrAfter="{_now(300)}">'
            f"<saml:AudienceRestriction><saml:Audience>{html.escape(sp)}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_now()}" SessionIndex="{session_index}">'
            f"<saml:AuthnContext><saml:AuthnContextClassRef>{context}"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{statements}</saml:AttributeStatement>"
            "</saml:Assertion>"
        )
        signed_assertion = self._sign(assertion)
        response = (
            f'<samlp:Response xmlns:samlp="{C.NS_SAMLP}" xmlns:saml="{C.NS_SAML}" '
            f'ID="{response_id}" Version="2.0" IssueInstant="{_now()}" '
            f'Destination="{html.escape(acs)}" InResponseTo="{in_response_to}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            f'<samlp:Status><samlp:StatusCode Value="{C.STATUS_SUCCESS}"/></samlp:Status>'
            f"{signed_assertion}</samlp:Response>"
        )
        return base64.b64encode(self._sign(response).encode()).decode()

    def _sign(self, xml: str) -> str:
        signed = OneLogin_Saml2_Utils.add_sign(
            xml, self.key, self.cert, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
        )
        signed = signed.decode() if isinstance(signed, bytes) else signed
        return signed.split("?>", 1)[1] if signed.startswith("<?xml") else signed

    def _logout(self, start_response, params: dict):
        request = etree.fromstring(_inflate(params["SAMLRequest"]))
        sp = request.findtext("saml:Issuer", namespaces=NS) or ""
        sls = sp.replace("/metadata/", "/sls/")
        response = (
            f'<samlp:LogoutResponse xmlns:samlp="{C.NS_SAMLP}" xmlns:saml="{C.NS_SAML}" '
            f'ID="_l{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_now()}" '
            f'Destination="{html.escape(sls)}" InResponseTo="{request.get("ID")}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            f'<samlp:Status><samlp:StatusCode Value="{C.STATUS_SUCCESS}"/></samlp:Status>'
            "</samlp:LogoutResponse>"
        )
        query = {"SAMLResponse": _deflate(response)}
        if params.get("RelayState"):
            query["RelayState"] = params["RelayState"]
        start_response("302 Found", [("Location", f"{sls}?{urlencode(query)}")])
        return [b""]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    config_path, port = sys.argv[1], int(sys.argv[2])
    with open(config_path) as f:
        config = json.load(f)
    idp = IdP(config, f"http://127.0.0.1:{port}")
    server = make_server("127.0.0.1", port, idp, server_class=_Server, handler_class=_QuietHandler)
    server.serve_forever()


if __name__ == "__main__":
    main()
