"""Claims of the test provider's people. By username prefix: `sinverificar…` has an e-mail
the provider does not vouch for; `mfa…` signed in with a second factor at the provider."""


def userinfo(claims, user):
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = f"{user.first_name} {user.last_name}".strip()
    claims["email"] = user.email
    claims["email_verified"] = not user.username.startswith("sinverificar")
    return claims


def id_token_hook(id_token, user=None, **kwargs):
    id_token["amr"] = ["pwd", "otp"] if user.username.startswith("mfa") else ["pwd"]
    return id_token
