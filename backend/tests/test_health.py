from fastapi.testclient import TestClient


def test_health_reports_ok_and_database(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}
    assert response.headers["cache-control"] == "no-store"


def test_openapi_docs_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/api/health" in schema["paths"]
