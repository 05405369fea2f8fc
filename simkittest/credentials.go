package simkittest

// Fixed credentials the fakes accept by default. They are not secrets: use
// them to build your own client against an Env.
const (
	FakePartnerToken       = "fake-partner-token"
	FakePartnerSecret      = "fake-partner-secret"
	FakeSMSToken           = "fake-sms-token"
	FakeESIMStoryAccessKey = "fake-esimstory-access-key"
	// FakeESIMStorySecretKey is base64, as eSIM Story issues its keys.
	FakeESIMStorySecretKey = "ZmFrZS1lc2ltc3Rvcnktc2VjcmV0LWtleQ=="
	FakeTopupsClientID     = "fake-topups-client"
	FakeTopupsClientSecret = "fake-topups-secret"
	FakeRenewalKey         = "fake-renewal-key"
)
