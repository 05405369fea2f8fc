// A journey with the official Airalo Node SDK (npm: airalo-sdk), unchanged
// except for its base URL, against `simkit fakes --tls`. Run by
// airalo-node.sh, which installs the SDK and starts the fakes.
"use strict";

const assert = require("node:assert/strict");

async function main() {
  const base = process.env.SIMKIT_TOPUPS_BASE_URL;
  assert.ok(base && base.startsWith("https://"), "SIMKIT_TOPUPS_BASE_URL must be the fakes' https URL");
  // The SDK has one production URL and no option to change it; its own
  // constant is the only thing patched (the official SDKs call /v2/...).
  require("airalo-sdk/src/constants/ApiConstants").BASE_URL.production = base + "/v2/";
  const { Airalo } = require("airalo-sdk");

  const iccid = process.env.ICCID;
  const reference = process.env.REFERENCE;
  const airalo = new Airalo({
    client_id: process.env.SIMKIT_TOPUPS_CLIENT_ID,
    client_secret: process.env.SIMKIT_TOPUPS_CLIENT_SECRET,
  });
  await airalo.initialize(); // POST /v2/token
  console.log("token: ok");

  const list = await airalo.getSimTopups(iccid); // GET /v2/sims/{iccid}/topups
  assert.ok(Array.isArray(list.data) && list.data.length > 0, "top-up packages listed");
  const pkg = list.data[0];
  console.log(`topups: ${list.data.length} packages, first ${pkg.id} (${pkg.title}, price ${pkg.price}, net ${pkg.net_price})`);

  const order = await airalo.topup(pkg.id, iccid, reference); // POST /v2/orders/topups
  assert.equal(String(order.data.package_id), String(pkg.id));
  assert.equal(order.data.description, reference);
  console.log(`topup: order ${order.data.id} code ${order.data.code} for ${order.data.price}`);

  const history = await airalo.getSimPackageHistory(iccid); // GET /v2/sims/{iccid}/packages
  assert.ok(Array.isArray(history.data) && history.data.length >= 2, "the original package and the top-up");
  console.log(`history: ${history.data.length} packages`);
  console.log("official Airalo Node SDK journey: ok");
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
