"""The original ZakupAI calc-service /calc/vat, reduced to what the benchmark compares:
pydantic validation, an API-key check and the VAT formula, served by uvicorn with one worker.
Run: python3 -m uvicorn app:app --app-dir bench/baseline --port PORT --workers 1"""
import datetime
import os
import uuid
from decimal import Decimal
from typing import Optional

from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

app = FastAPI()
API_KEY = os.environ.get("BASELINE_API_KEY", "bench-key")


class VatRequest(BaseModel):
    amount: Decimal = Field(..., gt=0)
    vat_rate: Decimal = Field(Decimal("12"), ge=0, le=20)
    include_vat: bool = True
    lot_id: Optional[int] = Field(None, ge=1)


@app.post("/calc/vat")
def vat(req: VatRequest, x_api_key: Optional[str] = Header(None)):
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401, detail="unauthorized")
    r = req.vat_rate / Decimal(100)
    if req.include_vat:
        base = req.amount / (1 + r)
        tax = req.amount - base
        total = req.amount
    else:
        base = req.amount
        tax = req.amount * r
        total = base + tax
    return {
        "base": round(float(base), 2),
        "vat": round(float(tax), 2),
        "total": round(float(total), 2),
        "vat_rate": float(req.vat_rate),
        "include_vat": req.include_vat,
        "request_id": str(uuid.uuid4()),
        "ts": datetime.datetime.utcnow().isoformat(),
    }
