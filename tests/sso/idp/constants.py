"""What the test provider and the tests share."""

PASSWORD = "idp-clave-de-prueba"
CLIENT_ID = "relevo-test"
CLIENT_SECRET = "relevo-test-secret"
PEOPLE = [
    # username, e-mail, first name, last name
    ("nueva", "nueva.persona@ministerio.gob.ec", "Nueva", "Persona"),
    ("importada", "importada@ministerio.gob.ec", "Importada", "Desde Proveedor"),
    ("sinverificar", "cuenta.ajena@ministerio.gob.ec", "Sin", "Verificar"),
    ("mfa", "con.mfa@ministerio.gob.ec", "Con", "Factor"),
    ("salio", "ya.salio@ministerio.gob.ec", "Ya", "Salio"),
]
