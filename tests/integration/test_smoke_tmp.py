from tests.integration.conftest import WebClient

def test_smoke(web: WebClient) -> None:
    r = web.get("/")
    assert r.status_code == 200 and "Masuk ke Kinerja" in r.text, r.text[:3000]
    assert "demo-accounts" in r.text
    web.login("admin", "admin")
    r = web.get("/akun")
    assert r.status_code == 200, r.text
    assert "Ganti kata sandi" in r.text
    r = web.get("/organisasi"); assert r.status_code == 200
