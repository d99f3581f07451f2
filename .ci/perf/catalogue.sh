#!/bin/bash
# .ci/perf/catalogue.sh: a fresh token of each mobile-money preset against
# the demo server, beside curl sending the same request (hyperfine, median
# of 20), unlocked through tokenscope agent. Run from the repository:
#   go build -o /tmp/ts . && mkdir -p /tmp/w &&
#   T=/tmp/ts WORKDIR=/tmp/w go run screenshots/demoserver.go /tmp/w bash .ci/perf/catalogue.sh
set -euo pipefail
export TOKENSCOPE_HOME=$(mktemp -d)/store TOKENSCOPE_PASSPHRASE=perf
T=${T:?set T to a tokenscope binary}
cd "$WORKDIR"
$T init --work-factor 10 2>/dev/null
$T import demo.toml 2>/dev/null
B=$DEMO_URL/vodacom/sandbox/ipg/v2/vodacomTZN/getSession/
# the demo market's public key, as export writes it, to PEM for openssl
KEY=$($T export 2>/dev/null | sed -n '/name = "vodacom-tz"/,/^\[\[/p' | sed -n 's/^public_key = "\(.*\)"$/\1/p')
{ echo "-----BEGIN PUBLIC KEY-----"; echo "$KEY" | fold -w 64; echo "-----END PUBLIC KEY-----"; } > pub.pem
ENC=$(printf %s "$VODACOM_TZ_API_KEY" | openssl pkeyutl -encrypt -pubin -inkey pub.pem -pkeyopt rsa_padding_mode:pkcs1 | base64 -w0)
# the agent holds the key: no KDF per command, as a script would run it
export XDG_RUNTIME_DIR=$(mktemp -d)
$T agent --lifetime 10m 2>/dev/null & AGENT=$!
trap 'kill $AGENT 2>/dev/null || true' EXIT
for i in $(seq 50); do $T agent --status >/dev/null 2>&1 && break; sleep 0.1; done
unset TOKENSCOPE_PASSPHRASE
$T agent --status
curl -sS -f "$B" -H "Origin: *" -H "Authorization: Bearer $ENC" -H 'Accept: application/json' >/dev/null && echo "curl with the pre-encrypted header: accepted"
MOMO=$DEMO_URL/momo/collection/token/
ORANGE=$DEMO_URL/orange/oauth/v3/token
hyperfine -N -w 3 -r 20 --export-json ${PERF_JSON:-$WORKDIR/catalogue.json} \
  -n "tokenscope token vodacom-tz --fresh" "$T token vodacom-tz --fresh" \
  -n "curl vodacom getSession (pre-encrypted)" "curl -sS -f $B -H 'Origin: *' -H 'Authorization: Bearer $ENC' -H 'Accept: application/json'" \
  -n "tokenscope token paystack-static --fresh" "$T token paystack-static --fresh" \
  -n "curl static balance (the key as Bearer)" "curl -sS -f $DEMO_URL/static/balance -H 'Authorization: Bearer $PAYSTACK_STATIC_STATIC_KEY'" \
  -n "tokenscope token momo-collection --fresh" "$T token momo-collection --fresh" \
  -n "curl momo token" "curl -sS -f -X POST $MOMO -u c72025f5-5cd1-4630-99e4-8ba4722fad56:$MOMO_COLLECTION_CLIENT_SECRET -H 'Ocp-Apim-Subscription-Key: $MOMO_COLLECTION_HEADER_OCP_APIM_SUBSCRIPTION_KEY' -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' --data ''" \
  -n "tokenscope token orange-dev --fresh" "$T token orange-dev --fresh" \
  -n "curl orange token" "curl -sS -f $ORANGE -u demo-orange-client:$ORANGE_DEV_CLIENT_SECRET -H 'Accept: application/json' --data-urlencode grant_type=client_credentials" \
  -n "tokenscope token mpesa-sandbox --fresh" "$T token mpesa-sandbox --fresh" \
  -n "curl mpesa token (GET)" "curl -sS -f -u demo-daraja-consumer-key:$MPESA_SANDBOX_CLIENT_SECRET -H 'Accept: application/json' '$DEMO_URL/mpesa/oauth/v1/generate?grant_type=client_credentials'" \
  -n "tokenscope token airtel-uat --fresh" "$T token airtel-uat --fresh" \
  -n "curl airtel token (JSON)" "curl -sS -f $DEMO_URL/airtel/auth/oauth2/token -H 'Accept: application/json' -H 'Content-Type: application/json' --data '{\"client_id\":\"demo-airtel-client\",\"client_secret\":\"'$AIRTEL_UAT_CLIENT_SECRET'\",\"grant_type\":\"client_credentials\"}'" 2>&1
