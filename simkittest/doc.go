// Package simkittest runs strict, stateful fakes of the four simkit
// providers on loopback, for users' tests, simkit's own examples and local
// development, with no provider credentials or sandbox.
//
// The fakes follow the providers' published docs, not simkit's client code,
// so they catch client mistakes too: signatures and timestamps are checked,
// balances go down and run out, external ids are unique forever, lists
// paginate for real, and webhooks are signed and retried. Faults injects
// latency, errors, dropped connections and malformed bodies per route.
// Recorder and Replayer capture real sandbox traffic once and replay it in
// CI contract tests.
//
//	func TestCheckout(t *testing.T) {
//		env := simkittest.New(t)
//		bal, err := env.Client.Partner.Balance(ctx)
//		...
//	}
//
// # Recording and replaying real traffic
//
// A contract test proves the SDK still speaks a provider's real API. Record
// it once against the provider's sandbox, commit the fixture, and replay it
// in CI with no credentials and no network:
//
//	func TestPartnerContract(t *testing.T) {
//		rt := simkittest.RecordOrReplay(t, "testdata/recordings/partner_balance.json", nil)
//		c, err := partner.New(func(o *partner.Options) {
//			o.Transport = rt
//			// Replay matches paths, so keep the base path you recorded with.
//			o.BaseURL = cmp.Or(os.Getenv("SIMKIT_PARTNER_BASE_URL"), "https://partner.invalid/v1/partner")
//			o.Token = signing.NewSecret(cmp.Or(os.Getenv("SIMKIT_PARTNER_TOKEN"), "replay"))
//			o.Secret = signing.NewSecret(cmp.Or(os.Getenv("SIMKIT_PARTNER_SECRET"), "replay"))
//		})
//		...
//	}
//
// Record with real credentials in the environment:
//
//	SIMKIT_RECORD=1 SIMKIT_PARTNER_TOKEN=... go test -run Contract ./...
//
// which writes testdata/recordings/partner_balance.json with every secret
// redacted and customer data (ICCIDs, phone numbers, PINs, ...) replaced
// by stable placeholders (check it with grep before committing); then plain
// `go test` replays it. Replay matches requests by method, path and query only, so
// timestamps, signatures and generated ids in bodies do not break it; it
// checks what the SDK sends and how it decodes the real answers, not the
// provider's signature checks (the fakes do that).
package simkittest
