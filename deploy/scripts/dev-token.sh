#!/usr/bin/env bash
# Mints an HS256 token the nodes of docker-compose.yml accept (same key, audience and issuer as
# their Auth__* settings), for trying the stack without an identity provider:
#
#   TOKEN=$(deploy/scripts/dev-token.sh alice)
#   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/documents
#   y-websocket: ws://127.0.0.1:8080/ws/{document}?token=$TOKEN
#
# Settings from CRDTCOLLAB_SIGNING_KEY, CRDTCOLLAB_AUDIENCE, CRDTCOLLAB_ISSUER (defaults: the
# compose file's) and CRDTCOLLAB_TOKEN_MINUTES (60). Never use the default key beyond your machine.
set -euo pipefail

user="${1:?usage: dev-token.sh <user-id>}"
key="${CRDTCOLLAB_SIGNING_KEY:-compose-only-signing-key-change-me-0123456789}"
audience="${CRDTCOLLAB_AUDIENCE:-crdtcollab}"
issuer="${CRDTCOLLAB_ISSUER:-crdtcollab-compose}"
minutes="${CRDTCOLLAB_TOKEN_MINUTES:-60}"
case "$user" in *[!A-Za-z0-9._@-]*) echo "dev-token.sh: user ids here are letters, digits and . _ @ -" >&2; exit 1;; esac

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"sub":"%s","name":"%s","aud":"%s","iss":"%s","iat":%d,"nbf":%d,"exp":%d}' \
  "$user" "$user" "$audience" "$issuer" "$now" "$now" $((now + minutes * 60)) | b64url)
# The server reads a "base64:" key as bytes, anything else as UTF-8 (AuthOptions.SigningKey).
if [[ "$key" == base64:* ]]; then
  hexkey=$(printf '%s' "${key#base64:}" | openssl base64 -d -A | od -An -tx1 | tr -d ' \n')
else
  hexkey=$(printf '%s' "$key" | od -An -tx1 | tr -d ' \n')
fi
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
