package main

// The services of the rest of HighLevel's v2 API: the 26 spec files outside
// the catalog (oauth.json is the hand-written OAuth code's). They are filled
// by rule (Auto); what is here is the exceptions: method names where the
// rule reads badly, and the Version of store.json, which declares none.

var adManager = Service{
	Name:     "AdManager",
	Doc:      "is the Ad Manager API: Facebook, Google and LinkedIn ad accounts, campaigns, ad sets, audiences, lead forms and reporting.",
	Spec:     "ad-manager.json",
	DocsSlug: "ad-manager",
	File:     "ad_manager.go",
	TestFile: "ad_manager_gen_test.go",
	Testdata: "ad-manager",
	Auto:     true,
	Types: []Type{
		{Name: "FormQuestionOption", From: []string{"FormQuestionOption"}, Required: &[]string{"value"},
			RequiredWhy: "the spec requires key, but its own request example of fb-create-page-lead-form sends options with a value only"},
	},
}

var affiliateManager = Service{
	Name:     "AffiliateManager",
	Doc:      "is the Affiliate Manager API: a location's affiliates, their commissions and payouts.",
	Spec:     "affiliate-manager.json",
	DocsSlug: "affiliate-manager",
	File:     "affiliate_manager.go",
	TestFile: "affiliate_manager_gen_test.go",
	Testdata: "affiliate-manager",
	Auto:     true,
}

var agentStudio = Service{
	Name:     "AgentStudio",
	Doc:      "is the Agent Studio API: AI agents, their versions, publishing and execution.",
	Spec:     "agent-studio.json",
	DocsSlug: "agent-studio",
	File:     "agent_studio.go",
	TestFile: "agent_studio_gen_test.go",
	Testdata: "agent-studio",
	Auto:     true,
	Rename: map[string]string{
		"getAgents":               "ListAgents",
		"createAgent":             "CreateAgent",
		"getAgentById":            "GetAgent",
		"updateAgentMetadata":     "UpdateAgentMetadata",
		"deleteAgent":             "DeleteAgent",
		"executeAgent":            "ExecuteAgent",
		"updateAgentVersion":      "UpdateAgentVersion",
		"promoteAndPublish":       "PromoteAndPublish",
		"getAgents-deprecated":    "ListAgentsDeprecated",
		"getAgentById-deprecated": "GetAgentDeprecated",
		"executeAgent-deprecated": "ExecuteAgentDeprecated",
	},
}

var brandBoards = Service{
	Name:     "BrandBoards",
	Doc:      "is the Brand Boards API: a location's brand boards (logos, colours and fonts).",
	Spec:     "brand-boards.json",
	DocsSlug: "brand-boards",
	File:     "brand_boards.go",
	TestFile: "brand_boards_gen_test.go",
	Testdata: "brand-boards",
	Auto:     true,
	Rename: map[string]string{
		"getBrandBoardById": "Get",
	},
}

var conversationAI = Service{
	Name:     "ConversationAI",
	Doc:      "is the Conversation AI API: AI employees (agents), their actions, follow-up settings and generations.",
	Spec:     "conversation-ai.json",
	DocsSlug: "conversation-ai",
	File:     "conversation_ai.go",
	TestFile: "conversation_ai_gen_test.go",
	Testdata: "conversation-ai",
	Auto:     true,
	Rename: map[string]string{
		"search-agent": "SearchAgents",
	},
}

var courses = Service{
	Name:     "Courses",
	Doc:      "is the Courses (Memberships) API: importing courses.",
	Spec:     "courses.json",
	DocsSlug: "courses",
	File:     "courses.go",
	TestFile: "courses_gen_test.go",
	Testdata: "courses",
	Auto:     true,
}

var customMenus = Service{
	Name:     "CustomMenus",
	Doc:      "is the Custom Menus API: the agency's custom menu links.",
	Spec:     "custom-menus.json",
	DocsSlug: "custom-menus",
	File:     "custom_menus.go",
	TestFile: "custom_menus_gen_test.go",
	Testdata: "custom-menus",
	Auto:     true,
	Rename: map[string]string{
		"get-custom-menus":      "List",
		"get-custom-menu-by-id": "Get",
	},
}

var emailISV = Service{
	Name:     "EmailISV",
	Doc:      "is the Email ISV API: email address verification.",
	Spec:     "email-isv.json",
	DocsSlug: "email-isv",
	File:     "email_isv.go",
	TestFile: "email_isv_gen_test.go",
	Testdata: "email-isv",
	Auto:     true,
}

var emails = Service{
	Name:     "Emails",
	Doc:      "is the Emails API: email builder templates and scheduled email campaigns.",
	Spec:     "emails.json",
	DocsSlug: "emails",
	File:     "emails.go",
	TestFile: "emails_gen_test.go",
	Testdata: "emails",
	Auto:     true,
	Rename: map[string]string{
		"fetch-template":  "ListTemplates",
		"fetch-campaigns": "ListCampaigns",
	},
	ExampleFixes: []ExampleFix{
		{Schema: "SaveBuilderDataDto", Prop: "html", JSON: `"<p>Hello</p>"`, Why: "the spec requires html but its example is empty, which a required field cannot be"},
	},
}

var forms = Service{
	Name:     "Forms",
	Doc:      "is the Forms API: forms, their submissions and file uploads to custom fields.",
	Spec:     "forms.json",
	DocsSlug: "forms",
	File:     "forms.go",
	TestFile: "forms_gen_test.go",
	Testdata: "forms",
	Auto:     true,
}

var funnels = Service{
	Name:     "Funnels",
	Doc:      "is the Funnels API: funnels, their pages and URL redirects.",
	Spec:     "funnels.json",
	DocsSlug: "funnels",
	File:     "funnels.go",
	TestFile: "funnels_gen_test.go",
	Testdata: "funnels",
	Auto:     true,
	Rename: map[string]string{
		"getFunnels":              "List",
		"fetch-redirects-list":    "ListRedirects",
		"getPagesByFunnelId":      "ListPages",
		"getPagesCountByFunnelId": "CountPages",
		"update-redirect-by-id":   "UpdateRedirect",
		"delete-redirect-by-id":   "DeleteRedirect",
	},
}

var invoices = Service{
	Name:     "Invoices",
	Doc:      "is the Invoices API: invoices, estimates, templates, schedules and Text2Pay.",
	Spec:     "invoices.json",
	DocsSlug: "invoices",
	File:     "invoices.go",
	TestFile: "invoices_gen_test.go",
	Testdata: "invoices",
	Auto:     true,
	Rename: map[string]string{
		"record-invoice":                "RecordPayment",
		"schedule-invoice-schedule":     "StartSchedule",
		"text2pay-invoice":              "Text2Pay",
		"auto-payment-invoice-schedule": "SetScheduleAutoPayment",
		"create-new-estimate":           "CreateEstimate",
	},
}

var knowledgeBase = Service{
	Name:     "KnowledgeBase",
	Doc:      "is the Knowledge Base API: knowledge bases, their FAQs and crawled websites.",
	Spec:     "knowledge-base.json",
	DocsSlug: "knowledge-base",
	File:     "knowledge_base.go",
	TestFile: "knowledge_base_gen_test.go",
	Testdata: "knowledge-base",
	Auto:     true,
	Rename: map[string]string{
		"list":                                 "ListFAQs",
		"create":                               "CreateFAQ",
		"update":                               "UpdateFAQ",
		"delete":                               "DeleteFAQ",
		"listAllKnowledgeBasesPaginated":       "List",
		"createKnowledgeBase":                  "Create",
		"updateKnowledgeBase":                  "Update",
		"deleteKnowledgeBase":                  "Delete",
		"getKnowledgeBaseById":                 "Get",
		"getAllWebsiteUrlsDataByKnowledgeBase": "ListCrawledURLs",
		"discoverWebsite":                      "DiscoverWebsite",
		"deleteTrainedUrlsForKnowledgeBase":    "DeleteTrainedURLs",
		"getCrawlingStatusForLatestOperation":  "GetCrawlingStatus",
		"trainDiscoveredUrls":                  "TrainDiscoveredURLs",
	},
}

var links = Service{
	Name:     "Links",
	Doc:      "is the Trigger Links API: a location's trigger links.",
	Spec:     "links.json",
	DocsSlug: "links",
	File:     "links.go",
	TestFile: "links_gen_test.go",
	Testdata: "links",
	Auto:     true,
	Rename: map[string]string{
		"search-trigger-links": "Search",
	},
}

var marketplace = Service{
	Name:     "Marketplace",
	Doc:      "is the Marketplace API: app installations, rebilling and wallet charges of a marketplace app.",
	Spec:     "marketplace.json",
	DocsSlug: "marketplace",
	File:     "marketplace.go",
	TestFile: "marketplace_gen_test.go",
	Testdata: "marketplace",
	Auto:     true,
	Rename: map[string]string{
		"uninstall-application": "Uninstall",
		"hasFunds":              "HasFunds",
		"getCharges":            "ListCharges",
		"getSpecificCharge":     "GetCharge",
	},
}

var medias = Service{
	Name:     "Medias",
	Doc:      "is the Media Storage API: a location's files and folders.",
	Spec:     "medias.json",
	DocsSlug: "medias",
	File:     "medias.go",
	TestFile: "medias_gen_test.go",
	Testdata: "medias",
	Auto:     true,
	Rename: map[string]string{
		"fetch-media-content":  "ListFiles",
		"upload-media-content": "Upload",
		"delete-media-content": "Delete",
	},
}

var objects = Service{
	Name:     "Objects",
	Doc:      "is the Custom Objects API: object schemas and their records.",
	Spec:     "objects.json",
	DocsSlug: "objects",
	File:     "objects.go",
	TestFile: "objects_gen_test.go",
	Testdata: "objects",
	Auto:     true,
	Rename: map[string]string{
		"get-object-by-location-id":   "List",
		"create-custom-object-schema": "Create",
		"get-object-schema-by-key":    "Get",
		"update-custom-object":        "Update",
		"get-record-by-id":            "GetRecord",
	},
}

var payments = Service{
	Name:     "Payments",
	Doc:      "is the Payments API: orders, fulfillments, transactions, subscriptions, coupons and custom payment providers.",
	Spec:     "payments.json",
	DocsSlug: "payments",
	File:     "payments.go",
	TestFile: "payments_gen_test.go",
	Testdata: "payments",
	Auto:     true,
	Rename: map[string]string{
		"custom-provider-marketplace-app-update-capabilities": "UpdateCustomProviderCapabilities",
		"fetch-config":           "GetCustomProviderConfig",
		"create-config":          "CreateCustomProviderConfig",
		"disconnect-config":      "DisconnectCustomProviderConfig",
		"create-integration":     "CreateCustomProvider",
		"delete-integration":     "DeleteCustomProvider",
		"record-order-payment":   "RecordOrderPayment",
		"get-order-by-id":        "GetOrder",
		"get-subscription-by-id": "GetSubscription",
		"get-transaction-by-id":  "GetTransaction",
		"list-order-fulfillment": "ListOrderFulfillments",
	},
}

var phoneSystem = Service{
	Name:     "PhoneSystem",
	Doc:      "is the Phone System API: number pools and a location's phone numbers.",
	Spec:     "phone-system.json",
	DocsSlug: "phone-system",
	File:     "phone_system.go",
	TestFile: "phone_system_gen_test.go",
	Testdata: "phone-system",
	Auto:     true,
	Rename: map[string]string{
		"getNumberPoolList":     "ListNumberPools",
		"active-numbers":        "ListActiveNumbers",
		"available-numbers":     "ListAvailableNumbers",
		"purchase-phone-number": "PurchaseNumber",
	},
}

var products = Service{
	Name:     "Products",
	Doc:      "is the Products API: products, prices, collections, inventory, reviews and store settings.",
	Spec:     "products.json",
	DocsSlug: "products",
	File:     "products.go",
	TestFile: "products_gen_test.go",
	Testdata: "products",
	Auto:     true,
	Rename: map[string]string{
		"list-invoices":                  "List",
		"get-product-collection":         "ListCollections",
		"get-product-collection-id":      "GetCollection",
		"get-list-inventory":             "ListInventory",
		"get-product-by-id":              "Get",
		"update-product-by-id":           "Update",
		"delete-product-by-id":           "Delete",
		"list-prices-for-product":        "ListPrices",
		"create-price-for-product":       "CreatePrice",
		"get-price-by-id-for-product":    "GetPrice",
		"update-price-by-id-for-product": "UpdatePrice",
		"delete-price-by-id-for-product": "DeletePrice",
		"get-product-store-stats":        "GetStoreStats",
	},
}

var proposals = Service{
	Name:     "Proposals",
	Doc:      "is the Documents and Contracts API (proposals): documents, templates and sending them.",
	Spec:     "proposals.json",
	DocsSlug: "proposals",
	File:     "proposals.go",
	TestFile: "proposals_gen_test.go",
	Testdata: "proposals",
	Auto:     true,
	PropFixes: []PropFix{
		{Schema: "RecipientItem", Prop: "imageUrl", JSON: `{"type": "string", "description": "The recipient's image URL (the spec's example sends it beside imgUrl)."}`, Why: "proposals.json's example of DocumentDto.recipients carries imageUrl, which RecipientItem lacks (CCRecipientItem has it)"},
	},
}

var saas = Service{
	Name:     "SaaS",
	Doc:      "is the SaaS API: SaaS plans, subscriptions and rebilling of an agency's locations.",
	Spec:     "saas-api.json",
	DocsSlug: "saas-api",
	File:     "saas.go",
	TestFile: "saas_gen_test.go",
	Testdata: "saas-api",
	Auto:     true,
	Rename: map[string]string{
		"locations":            "ListLocations",
		"locations-deprecated": "ListLocationsDeprecated",
	},
}

var socialMediaPosting = Service{
	Name:     "SocialMediaPosting",
	Doc:      "is the Social Media Posting API: connected accounts, posts, CSV imports, categories and tags of the social planner.",
	Spec:     "social-media-posting.json",
	DocsSlug: "social-media-posting",
	File:     "social_media_posting.go",
	TestFile: "social_media_posting_gen_test.go",
	Testdata: "social-media-posting",
	Auto:     true,
	Rename: map[string]string{
		"get-posts":                  "ListPosts",
		"get-account":                "ListAccounts",
		"get-categories-location-id": "ListCategories",
		"get-categories-id":          "GetCategory",
		"get-tags-location-id":       "ListTags",
		"get-tags-by-ids":            "GetTagsByIDs",
	},
	ExampleFixes: []ExampleFix{
		{Schema: "SocialMediaPostingGetSocialMediaStatisticsResponseResultsPostPerformance", Prop: "posts", JSON: `{"google": [0, 1, 2]}`, Why: "posts is a map of number lists by platform (the spec's response example); the synthesized example was a string"},
	},
}

var store = Service{
	Name:       "Store",
	Doc:        "is the Store API: shipping zones, rates and carriers, and store settings.",
	Spec:       "store.json",
	DocsSlug:   "store",
	File:       "store.go",
	TestFile:   "store_gen_test.go",
	Testdata:   "store",
	Auto:       true,
	Version:    "2021-07-28",
	VersionWhy: "ghl-platform.md §2: store.json declares no Version on any of its 18 operations; 2021-07-28 is what every other location-scoped file outside the 2021-04-15 group declares",
	Rename: map[string]string{
		"get-shipping-carriers":        "GetShippingCarrier",
		"get-shipping-zones":           "GetShippingZone",
		"get-shipping-rates":           "GetShippingRate",
		"get-available-shipping-zones": "ListAvailableShippingRates",
	},
}

var surveys = Service{
	Name:     "Surveys",
	Doc:      "is the Surveys API: surveys and their submissions.",
	Spec:     "surveys.json",
	DocsSlug: "surveys",
	File:     "surveys.go",
	TestFile: "surveys_gen_test.go",
	Testdata: "surveys",
	Auto:     true,
}

var voiceAI = Service{
	Name:     "VoiceAI",
	Doc:      "is the Voice AI API: voice agents, their actions and call logs.",
	Spec:     "voice-ai.json",
	DocsSlug: "voice-ai",
	File:     "voice_ai.go",
	TestFile: "voice_ai_gen_test.go",
	Testdata: "voice-ai",
	Auto:     true,
	Rename: map[string]string{
		"get-agents":    "ListAgents",
		"get-call-logs": "ListCallLogs",
	},
	PropFixes: []PropFix{
		{Schema: "AgentActionResponseDTO", Prop: "_id", JSON: `{"type": "string", "description": "The action's ID as the raw actions of an agent carry it (beside or instead of id)."}`, Why: "voice-ai.json's own example of GetAgentResponseDTO.actions (\"raw actions\") keys each action by _id, which AgentActionResponseDTO lacks"},
	},
}

// restServices are the services of the rest of the v2 API, in spec-file
// order.
var restServices = []*Service{&adManager, &affiliateManager, &agentStudio, &brandBoards, &conversationAI, &courses, &customMenus, &emailISV, &emails, &forms, &funnels, &invoices, &knowledgeBase, &links, &marketplace, &medias, &objects, &payments, &phoneSystem, &products, &proposals, &saas, &socialMediaPosting, &store, &surveys, &voiceAI}

func init() { services = append(services, restServices...) }

// handWrittenOp is an operation of oauth.json, served by the hand-written
// OAuth code rather than a generated method: the operation table names the
// methods that send it.
type handWrittenOp struct {
	ID, HTTP, Path, Version, Scopes string
	Method                          string // the Go methods, "Type.Method"
}

var handWrittenOps = []handWrittenOp{
	{ID: "get-access-token", HTTP: "POST", Path: "/oauth/token", Version: "none", Scopes: "none",
		Method: "OAuthApp.Exchange (authorization code), TokenSource.Token (refresh)"},
	{ID: "get-location-access-token", HTTP: "POST", Path: "/oauth/locationToken", Version: "2021-07-28", Scopes: "oauth.write",
		Method: "Agency.LocationTokenSource, Agency.ClientForLocation"},
	{ID: "get-installed-location", HTTP: "GET", Path: "/oauth/installedLocations", Version: "2021-07-28", Scopes: "oauth.readonly",
		Method: "Agency.InstalledLocations, Agency.AllInstalledLocations"},
}
