"""Constants shared by the model tests."""

from __future__ import annotations

TOKEN = "4_0022623512fc8f80000000001_01a5c1f0_cf9f5d_acct_SECRETSECRET="
SHA1 = "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
STORAGE = {
    "apiUrl": "https://api001.backblazeb2.com",
    "downloadUrl": "https://f001.backblazeb2.com",
    "s3ApiUrl": "https://s3.us-west-001.backblazeb2.com",
    "recommendedPartSize": 100_000_000,
    "absoluteMinimumPartSize": 5_000_000,
}
CAPS = ["listFiles", "readFiles", "writeFiles"]
