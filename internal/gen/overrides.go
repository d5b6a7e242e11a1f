package main

// This file is the hand-kept overrides table: everything the generator does
// not take from the spec as written. Names are choices; every fix of the
// spec (a type, a schema, an example, a required list, a scope) carries a
// Why naming its source: a section of ghl-platform.md (shared/reference) or a
// GitHub issue. The generator refuses a fix without one.

// Service is one category of the API, generated into one Go file.
type Service struct {
	Name     string // "Contacts": ContactsService, client.Contacts, opContactsGet
	Doc      string // doc comment of the service type, without the type name
	Spec     string // the spec file under <spec>/apps
	DocsSlug string // https://marketplace.gohighlevel.com/docs/ghl/<DocsSlug>/<operationId>
	File     string // generated Go file
	TestFile string // generated test file
	Testdata string // folder under testdata/ for the example payloads

	// Schemas are replacement schemas (OpenAPI JSON) for the spec's gaps,
	// added to the spec's components under these names. Refs inside them
	// resolve against the spec file.
	Schemas map[string]Replacement
	// Fields apply to every type of the service, by JSON name; a Type's own
	// Fields win.
	Fields map[string]Field
	// ExampleFixes correct example values that are prose or of the wrong type.
	ExampleFixes []ExampleFix
	Types        []Type
	Enums        []Enum
	Ops          []Op

	// Auto fills the table by rule (auto.go): every operation of Spec that
	// Ops does not list, and every schema they reach, is named and typed
	// by the rules, and the spec's gaps by the default rules, recorded in
	// testdata/gaps.csv. Ops and Types then hold only the exceptions.
	Auto bool
	// Skip lists operations not generated, by operationId, with why.
	Skip map[string]string
	// Rename names methods where the rule reads badly, by operationId.
	Rename map[string]string
	// PropFixes add or replace properties of the spec's schemas (Auto):
	// what the live API sends and the spec lacks or types wrongly.
	PropFixes []PropFix
	// OpFixes change what an operation answers (Auto), by operationId.
	OpFixes map[string]OpFix
	// UploadFields names the form field of the files of a multipart
	// operation, by operationId (default "file").
	UploadFields map[string]string
	// Version is the Version header of operations whose spec declares
	// none, when the file's other operations do not tell.
	Version    string
	VersionWhy string // why Version, required with it

	reg     *registry // the names of every service
	loaded  *Doc      // the spec as autoFill changed it
	loader  *loader   // its loader
	gaps    []gap     // what the default rules filled
	skipped []string  // operations autoFill could not generate
}

// Replacement is a schema written by hand where the spec has none.
type Replacement struct {
	JSON string
	Why  string
}

// Type is one Go model, built from one or more spec schemas whose properties
// are merged (so that one type decodes every variant the API returns).
type Type struct {
	Name string
	From []string // spec schema names, in field order
	Doc  string
	// Core types are declared by the hand-written core, not generated.
	Core bool
	// Values keeps optional fields of a request body as values with
	// omitempty instead of pointers (zero means "not set" for every field).
	Values bool
	// Required replaces the spec's required list when set (with RequiredWhy).
	Required    *[]string
	RequiredWhy string
	Fields      map[string]Field // by JSON name
	// Order lists JSON names to put first, when the spec order reads badly.
	Order []string
}

// Field adjusts one property.
type Field struct {
	Name string // Go name, when the derived one is wrong
	Type string // Go type (before the request rules add a pointer)
	Doc  string // doc comment text, starting with the Go name
	// Tag replaces the omit option of the json tag ("omitzero", "-" for none).
	Tag string
	// Schema replaces the property's schema (OpenAPI JSON).
	Schema string
	Why    string
}

// ExampleFix replaces one example value in the spec.
type ExampleFix struct {
	Schema, Prop string
	JSON         string
	Why          string
}

// Enum is a typed string with constants.
type Enum struct {
	Name   string
	Doc    string
	Values []EnumValue
}

// EnumValue is one constant of an Enum.
type EnumValue struct{ Name, Value, Doc string }

// Op is one operation: the spec's operationId, with the Go method it becomes.
type Op struct {
	ID     string // operationId
	Method string // HTTP method, checked against the spec
	Path   string // path, checked against the spec
	Name   string // Go method name
	// Doc is the method's doc comment without the API docs and meta lines;
	// its first sentence starts with Name.
	Doc        string
	Deprecated string

	// Result names the envelope property returned ("" returns the body).
	Result string
	// Total names the envelope property carrying the total count.
	Total string
	// Nullable says the result property is null (or absent) when nothing
	// matches, a real answer that the method documents; otherwise a 2xx
	// answer without it is an error matching ErrEmptyResponse.
	Nullable bool
	// Options is the Go type of the optional query parameters.
	Options string
	// Params renames positional arguments, by spec name.
	Params map[string]string
	// Query adjusts query parameters, by spec name.
	Query map[string]Field

	// OptionalBody sends {} when the caller passes a nil body.
	OptionalBody bool
	// EmptyBody takes no body argument and always sends {}.
	EmptyBody    bool
	EmptyBodyWhy string

	// Request and Response replace the spec's body or 2xx schema with a
	// schema from Service.Schemas.
	Request, Response string
	ReplaceWhy        string

	// PathParams declares path parameters the spec uses but omits.
	PathParams []PathParam
	// Scopes replaces an operation's missing security.
	Scopes    []string
	ScopesWhy string
	// Checks are extra Go statements run after the argument checks; they
	// may use op, the arguments and req.
	Checks    []string
	ChecksWhy string

	// Paging names the pagination scheme: "startAfter", "page", "skip" or
	// "offset".
	Paging string

	// Version replaces a missing or ambiguous Version header (with
	// VersionWhy).
	Version, VersionWhy string
	// Raw returns the answer as json.RawMessage: the spec has no usable
	// 2xx schema.
	Raw bool
	// BodyArray takes a list of the body type ([]T): the spec's body is
	// an array.
	BodyArray bool
	// Multipart sends the body as multipart/form-data, with the files of
	// its Files field under UploadField (default "file").
	Multipart   bool
	UploadField string
	// File returns the answer as a *File (bytes and content type): the
	// spec documents a non-JSON answer (audio, text).
	File bool
	// Shape is "array" for a 2xx that is a JSON array, "map" for an object
	// keyed by data (free slots by date); "" for an object.
	Shape string
}

// PropFix sets property Prop of component schema Schema to JSON (an
// OpenAPI schema), adding it when the spec lacks it.
type PropFix struct {
	Schema, Prop string
	JSON         string
	Why          string
}

// OpFix changes what an operation answers: Response names a replacement
// schema (from Service.Schemas) for its 2xx.
type OpFix struct {
	Response string
	Why      string
}

// PathParam is a path parameter missing from the spec.
type PathParam struct {
	Name string // as in the path template
	Type string // Go type (an Enum name, or "string")
	Why  string
}

// services is every service the generator writes.
var services = []*Service{&contacts, &businesses, &calendars, &opportunities, &conversations, &users, &workflows, &campaigns, &snapshots, &locations, &customFields, &companies, &associations, &blogs}
var calendars = Service{
	Name:     "Calendars",
	Doc:      "is the Calendars API: calendar groups, calendars, events and appointments, block slots, free slots, appointment notes, notifications and resources.",
	Spec:     "calendars.json",
	DocsSlug: "calendars",
	File:     "calendars.go",
	TestFile: "calendars_gen_test.go",
	Testdata: "calendars",
	Auto:     true,
	Fields: map[string]Field{
		"openHours": {Type: "OpenHours", Why: whyOpenHours},
	},
	Schemas: map[string]Replacement{
		"x-GetAppointmentResponse": {Why: whyAppointmentKey, JSON: `{"type": "object", "properties": {
			"appointment": {"$ref": "#/components/schemas/CalendarEventDTO"},
			"traceId": {"type": "string"}}}`},
	},
	OpFixes: map[string]OpFix{
		"get-appointment": {Response: "x-GetAppointmentResponse", Why: whyAppointmentKey},
	},
	PropFixes: []PropFix{
		{Schema: "CalendarEventDTO", Prop: "deleted", JSON: `{"type": "boolean", "description": "Deleted is true for a cancelled or deleted appointment, which must not be treated as live."}`, Why: whyLiveAppointment},
		{Schema: "CalendarEventDTO", Prop: "appoinmentStatus", JSON: `{"type": "string", "description": "AppoinmentStatus is the status under the API's misspelled key, sent beside appointmentStatus."}`, Why: whyLiveAppointment},
		{Schema: "CalendarEventDTO", Prop: "appointmentMeta", JSON: `{"type": "object", "properties": {"slotType": {"type": "string"}}}`, Why: whyLiveAppointment},
		{Schema: "CalendarEventDTO", Prop: "createdBy", JSON: `{"type": "object", "properties": {"source": {"type": "string"}, "userId": {"type": "string", "nullable": true}}}`, Why: whyLiveAppointment},
		{Schema: "CalendarResourceByIdResponseDTO", Prop: "id", JSON: `{"type": "string", "description": "The resource's ID, which GET, PUT and DELETE /calendars/resources/{resourceType}/{id} take (UNVERIFIED name)."}`, Why: whyResourceID},
		{Schema: "CalendarResourceResponseDTO", Prop: "id", JSON: `{"type": "string", "description": "The resource's ID (UNVERIFIED name)."}`, Why: whyResourceID},
		{Schema: "CalendarDTO", Prop: "appointmentPerSlot", JSON: `{"type": "integer"}`, Why: "live payload nango_get_calendar (witness) sends appointmentPerSlot beside the spec's misspelled appoinmentPerSlot"},
	},
	Rename: map[string]string{
		"get-event-notification": "ListEventNotifications",
		"get-slots":              "FreeSlots",
	},
}
var opportunities = Service{
	Name:     "Opportunities",
	Doc:      "is the Opportunities API: the deals of a location's pipelines, their stages, status, value and followers.",
	Spec:     "opportunities.json",
	DocsSlug: "opportunities",
	File:     "opportunities.go",
	TestFile: "opportunities_gen_test.go",
	Testdata: "opportunities",
	Auto:     true,
	Schemas: map[string]Replacement{
		"x-PipelineStage": {Why: whyStages, JSON: `{"type": "object", "properties": {
			"id": {"type": "string"}, "name": {"type": "string"},
			"showInFunnel": {"type": "boolean"}, "showInPieChart": {"type": "boolean"},
			"position": {"type": "integer"}, "stageWinProbability": {"type": "number"}}}`},
	},
	PropFixes: []PropFix{
		{Schema: "PipelinesResponseSchema", Prop: "stages", JSON: `{"type": "array", "items": {"$ref": "#/components/schemas/x-PipelineStage"}}`, Why: whyStages},
		{Schema: "PipelinesResponseSchema", Prop: "dateAdded", JSON: `{"type": "string", "format": "date-time"}`, Why: whyLivePipeline},
		{Schema: "PipelinesResponseSchema", Prop: "dateUpdated", JSON: `{"type": "string", "format": "date-time"}`, Why: whyLivePipeline},
		{Schema: "PipelinesResponseSchema", Prop: "useOpportunityProbability", JSON: `{"type": "boolean"}`, Why: whyLivePipeline},
		{Schema: "SearchOpportunitiesResponseSchema", Prop: "internalSource", JSON: `{"type": "object", "properties": {
			"type": {"type": "string"}, "id": {"type": "string"}, "apiVersion": {"type": "string"},
			"channel": {"type": "string"}, "source": {"type": "string"}}}`, Why: "live payload nango_get_opportunity (witness): internalSource says what created the opportunity"},
		{Schema: "SearchOpportunitiesResponseSchema", Prop: "followers", JSON: `{"type": "array", "items": {"type": "string"}}`, Why: whyOppLists},
		{Schema: "SearchOpportunitiesResponseSchema", Prop: "notes", JSON: `{"type": "array", "items": {"type": "string"}}`, Why: whyOppLists},
		{Schema: "SearchOpportunitiesResponseSchema", Prop: "tasks", JSON: `{"type": "array", "items": {"type": "string"}}`, Why: whyOppLists},
		{Schema: "SearchOpportunitiesResponseSchema", Prop: "calendarEvents", JSON: `{"type": "array", "items": {"type": "string"}}`, Why: whyOppLists},
		{Schema: "UpsertOpportunityDto", Prop: "contactId", JSON: `{"type": "string", "description": "The contact the opportunity is for; with pipelineId it matches an existing opportunity."}`,
			Why: "HighLevel's upsert matches an opportunity by pipeline and contact (descriptions of the endpoint by third-party tools built on it); the spec's body lacks contactId"},
		{Schema: "UpsertOpportunitySuccessfulResponseDto", Prop: "opportunity", JSON: `{"$ref": "#/components/schemas/SearchOpportunitiesResponseSchema"}`,
			Why: "the spec types the upserted opportunity as an untyped object; it is the opportunity the other operations answer (HighLevel's docs: \"Updated / New Opportunity\")"},
		{Schema: "UpsertOpportunityDto", Prop: "monetaryValue", JSON: `{"type": "number"}`, Why: "UpsertOpportunityDto types monetaryValue object; every other opportunity schema and the live answers (witness nango_get_opportunity) carry a number"},
		{Schema: "SearchOpportunitiesResponseSchema", Prop: "isAttribute", JSON: `{"type": "boolean"}`, Why: "live payload nango_get_opportunity (witness)"},
		{Schema: "SearchOpportunitiesResponseSchema", Prop: "effectiveProbability", JSON: `{"type": "number"}`, Why: "live payload nango_search_opportunities (witness)"},
		{Schema: "SearchOpportunitiesResponseSchema", Prop: "forecastProbability", JSON: `{"type": "number", "nullable": true}`, Why: "live payload nango_search_opportunities (witness)"},
		{Schema: "SearchOpportunitiesResponseSchema", Prop: "pipelineStageUId", JSON: `{"type": "string"}`, Why: "live payload nango_search_opportunities (witness)"},
	},
	Types: []Type{
		{Name: "PageMeta", From: []string{"SearchMetaResponseSchema"}, Core: true},
		{Name: "OpportunityUpsertRequest", From: []string{"UpsertOpportunityDto"},
			Doc:         "OpportunityUpsertRequest is the body of [OpportunitiesService.Upsert]: an opportunity matched by ID, or by pipeline and contact, updated, or else created.",
			Required:    &[]string{"pipelineId", "locationId"},
			RequiredWhy: "catalog.csv (Upsert-opportunity): the spec marks followers, isRemoveAllFollowers and followersActionType required too, likely over-strict; an upsert without followers must be possible"},
	},
	Rename: map[string]string{
		"get-lost-reason": "ListLostReasons",
	},
}
var conversations = Service{
	Name:     "Conversations",
	Doc:      "is the Conversations API: conversations with contacts, their messages (SMS, email, calls), recordings and transcriptions.",
	Spec:     "conversations.json",
	DocsSlug: "conversations",
	File:     "conversations.go",
	TestFile: "conversations_gen_test.go",
	Testdata: "conversations",
	Auto:     true,
	PropFixes: []PropFix{
		{Schema: "ConversationSchema", Prop: "dateAdded", JSON: `{"type": "object", "example": 1767225600000, "description": "DateAdded is when the conversation was created (epoch milliseconds)."}`, Why: whyConvSearch},
		{Schema: "ConversationSchema", Prop: "dateUpdated", JSON: `{"type": "object", "example": 1767225600000, "description": "DateUpdated is when the conversation last changed (epoch milliseconds)."}`, Why: whyConvSearch},
		{Schema: "ConversationSchema", Prop: "lastMessageDate", JSON: `{"type": "object", "example": 1767225600000, "description": "LastMessageDate is when its last message was sent or received (epoch milliseconds); search sorts by it."}`, Why: whyConvSearch},
		{Schema: "ConversationSchema", Prop: "sort", JSON: `{"type": "array", "description": "Sort is the search cursor of this result: pass its value as startAfterDate to read the next page."}`, Why: whyConvSearch},
		{Schema: "ConversationSchema", Prop: "tags", JSON: `{"type": "array", "items": {"type": "string"}}`, Why: whyConvSearch},
	},
	Schemas: map[string]Replacement{
		"x-GetMessageResponse": {Why: whyMessageWrapped, JSON: `{"type": "object", "properties": {
			"message": {"$ref": "#/components/schemas/GetMessageResponseDto"}, "traceId": {"type": "string"}}}`},
	},
	OpFixes: map[string]OpFix{
		"get-message": {Response: "x-GetMessageResponse", Why: whyMessageWrapped},
	},
	UploadFields: map[string]string{
		// The spec's UploadFilesDto names no file field; HighLevel's docs
		// for POST /conversations/messages/upload send the files as
		// fileAttachment.
		"upload-file-attachments": "fileAttachment",
	},
	Types: []Type{
		// Core: MessagePage (conversations_messages.go) reads the page flat,
		// as the spec has it, and nested, as the live API sends it.
		{Name: "MessagePage", From: []string{"GetMessagesByConversationResponseDto"}, Core: true},
	},
	Rename: map[string]string{
		"get-all-custom-subtypes":  "ListCustomSubtypes",
		"live-chat-agent-typing":   "SendAgentTyping",
		"user-subscription-change": "UpdateUserSubscription",
	},
	ExampleFixes: []ExampleFix{
		{Schema: "CancelScheduledResponseDto", Prop: "status", JSON: `200`,
			Why: "the spec's example of the 200 answer is its failure case (status 404, \"Failed cancel the scheduled message\"), which the client reports as the *APIError it is; the wire test needs the success case"},
		{Schema: "CancelScheduledResponseDto", Prop: "message", JSON: `"Scheduled message cancelled"`,
			Why: "the success case goes with status 200 (see status)"},
	},
}
var users = Service{
	Name:     "Users",
	Doc:      "is the Users API: the users of an agency and its locations.",
	Spec:     "users.json",
	DocsSlug: "users",
	File:     "users.go",
	TestFile: "users_gen_test.go",
	Testdata: "users",
	Auto:     true,
	PropFixes: []PropFix{
		{Schema: "UserSchema", Prop: "scopes", JSON: `{"type": "array", "items": {"type": "string"}}`, Why: whyUserScopes},
		{Schema: "UserSuccessfulResponseDto", Prop: "scopes", JSON: `{"type": "array", "items": {"type": "string"}}`, Why: whyUserScopes},
		{Schema: "UserSuccessfulResponseDto", Prop: "scopesAssignedToOnly", JSON: `{"type": "array", "items": {"type": "string"}}`, Why: "live payload nango_get_user (witness)"},
		{Schema: "UserSuccessfulResponseDto", Prop: "totpEnabled", JSON: `{"type": "boolean"}`, Why: "live payload nango_get_user (witness)"},
		{Schema: "UserSuccessfulResponseDto", Prop: "deleted", JSON: `{"type": "boolean"}`, Why: "live payload nango_get_user (witness)"},
	},
	Rename: map[string]string{
		"get-user-by-location": "ListByLocation",
	},
}
var workflows = Service{
	Name:     "Workflows",
	Doc:      "is the Workflows API: the workflows of a location.",
	Spec:     "workflows.json",
	DocsSlug: "workflows",
	File:     "workflows.go",
	TestFile: "workflows_gen_test.go",
	Testdata: "workflows",
	Auto:     true,
	Rename: map[string]string{
		"get-workflow": "List",
	},
}
var campaigns = Service{
	Name:     "Campaigns",
	Doc:      "is the Campaigns API: the campaigns of a location.",
	Spec:     "campaigns.json",
	DocsSlug: "campaigns",
	File:     "campaigns.go",
	TestFile: "campaigns_gen_test.go",
	Testdata: "campaigns",
	Auto:     true,
}
var snapshots = Service{
	Name:     "Snapshots",
	Doc:      "is the Snapshots API: an agency's snapshots, their share links and push status.",
	Spec:     "snapshots.json",
	DocsSlug: "snapshots",
	File:     "snapshots.go",
	TestFile: "snapshots_gen_test.go",
	Testdata: "snapshots",
	Auto:     true,
	Rename: map[string]string{
		"get-snapshot-push": "ListPushes",
	},
}
var locations = Service{
	Name:     "Locations",
	Doc:      "is the Locations API: sub-accounts, their tags, custom fields, custom values, templates and timezones.",
	Spec:     "locations.json",
	DocsSlug: "locations",
	File:     "locations.go",
	TestFile: "locations_gen_test.go",
	Testdata: "locations",
	Auto:     true,
	Rename: map[string]string{
		"GET-all-or-email-sms-templates": "ListTemplates",
		"DELETE-an-email-sms-template":   "DeleteTemplate",
		"task-search":                    "SearchTasks",
	},
}
var customFields = Service{
	Name:     "CustomFields",
	Doc:      "is the Custom Fields API (v2): custom fields and folders of custom objects.",
	Spec:     "custom-fields.json",
	DocsSlug: "custom-fields",
	File:     "custom_fields.go",
	TestFile: "custom_fields_gen_test.go",
	Testdata: "custom-fields",
	Auto:     true,
}
var companies = Service{
	Name:     "Companies",
	Doc:      "is the Companies API: an agency (company) and its details.",
	Spec:     "companies.json",
	DocsSlug: "companies",
	File:     "companies.go",
	TestFile: "companies_gen_test.go",
	Testdata: "companies",
	Auto:     true,
}
var associations = Service{
	Name:     "Associations",
	Doc:      "is the Associations API: associations between object types and the relations between records.",
	Spec:     "associations.json",
	DocsSlug: "associations",
	File:     "associations.go",
	TestFile: "associations_gen_test.go",
	Testdata: "associations",
	Auto:     true,
}
var blogs = Service{
	Name:     "Blogs",
	Doc:      "is the Blogs API: blog sites, posts, authors and categories.",
	Spec:     "blogs.json",
	DocsSlug: "blogs",
	File:     "blogs.go",
	TestFile: "blogs_gen_test.go",
	Testdata: "blogs",
	Auto:     true,
	Rename: map[string]string{
		"get-blog-post": "ListPosts",
	},
}

var businesses = Service{
	Name:     "Businesses",
	Doc:      "is the Businesses API: the companies (businesses) of a location, which contacts belong to.",
	Spec:     "businesses.json",
	DocsSlug: "businesses",
	File:     "businesses.go",
	TestFile: "businesses_gen_test.go",
	Testdata: "businesses",
	Auto:     true,
}

const (
	whyOpenHours       = "live payloads nango_get_calendar and nango_list_calendars (witness) send openHours as {} where the spec says an array; OpenHours reads both"
	whyAppointmentKey  = "live payload nango_get_appointment (witness): GET /calendars/events/appointments/{eventId} answers {appointment}, not the spec's {event}"
	whyLiveAppointment = "live payloads nango_get_appointment and nango_calendar_events (witness) carry it; the spec does not"
	whyStages          = "the spec types stages as an array of arrays; live payload nango_list_pipelines (witness) holds stage objects"
	whyLivePipeline    = "live payload nango_list_pipelines (witness) carries it; the spec does not"
	whyUserScopes      = "the spec types scopes as one string; live payload nango_get_user (witness) sends a list"
	whyResourceID      = "the resource operations address a resource by {id}, but the spec's resource answers have no ID, so a created resource could not be addressed; the key is assumed to be id, as on HighLevel's other records (UNVERIFIED)"
	whyOppLists        = "the spec types followers, notes, tasks and calendarEvents as arrays of arrays; followers are user IDs (the followers endpoints answer string lists) and HighLevel's official Node SDK types notes, tasks and calendarEvents as string[]"
	whyConvSearch      = "live payload nango_search_conversations (witness): each result carries dateAdded, dateUpdated, lastMessageDate (epoch ms), tags and its sort cursor, which the spec's ConversationSchema lacks"
	whyMessageWrapped  = "live payload nango_get_message (witness): GET /conversations/messages/{id} answers {message}, where the spec shows the message at the top level"
	whyDates           = "ghl-platform.md §7: dates are ISO-8601 strings, \"2006-01-02 15:04:05\" or epoch ms; Timestamp accepts them all"
	whySearchGap       = "ghl-platform.md §6 and §8 [SPEC-GAP]: SearchBodyV2DTO is {} and the 200 has no schema; fields from the documented mirror (help.hoopai.com)"
	whyCustomRead      = "ghl-platform.md §7: contact reads return {id, value} where value is a string, array, number or object"
	whyNoSecurity      = "ghl-platform.md §8 [SPEC-GAP]: declares no security or scopes; assume contacts.write"
)

const (
	whyLiveContact = "live payloads nango_get_contact, nango_search_sorted, nango_create_contact and pipedream_list_item_new_contact (witness): contacts carry contactName, firstNameRaw/lastNameRaw, additionalEmails/additionalPhones, inboundDndSettings, createdBy/lastUpdatedBy, validEmail and, on search hits, phoneLabel, address, businessName and opportunities"
	whySucceeded   = "live payloads nango_delete_contact, nango_add_to_workflow, nango_delete_task and nango_upsert_contact (witness): answers say both succeded and succeeded, with traceId; the spec has only succeded"
)

var contacts = Service{
	Name: "Contacts",
	Doc: `is the Contacts API: contacts, their tasks, notes, tags,
appointments, followers, and campaign and workflow enrolment.`,
	Spec:     "contacts.json",
	DocsSlug: "contacts",
	File:     "contacts.go",
	TestFile: "contacts_gen_test.go",
	Testdata: "contacts",

	Schemas: map[string]Replacement{
		"x-ContactSearchRequest": {Why: whySearchGap, JSON: `{
			"type": "object",
			"required": ["locationId", "pageLimit"],
			"properties": {
				"locationId": {"type": "string", "example": "ve9EPM428h8vShlRW1KT"},
				"page": {"type": "number", "minimum": 1, "example": 1},
				"pageLimit": {"type": "number", "minimum": 1, "maximum": 500, "example": 20},
				"searchAfter": {"type": "array", "items": {}, "x-omit-example": true},
				"query": {"type": "string", "maxLength": 75, "example": "rubika"},
				"filters": {"type": "array", "items": {"$ref": "#/components/schemas/x-ContactSearchFilter"}},
				"sort": {"type": "array", "items": {"$ref": "#/components/schemas/x-ContactSearchSort"}}
			}}`},
		"x-ContactSearchFilter": {Why: whySearchGap, JSON: `{
			"type": "object",
			"properties": {
				"field": {"type": "string", "example": "tags"},
				"operator": {"type": "string", "example": "contains"},
				"value": {"example": "vip"},
				"group": {"type": "string", "enum": ["AND", "OR"], "x-omit-example": true},
				"filters": {"type": "array", "items": {"$ref": "#/components/schemas/x-ContactSearchFilter"}, "x-omit-example": true}
			}}`},
		"x-ContactSearchSort": {Why: whySearchGap, JSON: `{
			"type": "object",
			"properties": {
				"field": {"type": "string", "example": "dateAdded"},
				"direction": {"type": "string", "enum": ["asc", "desc"], "example": "desc"}
			}}`},
		"x-ContactSearchResponse": {Why: whySearchGap + "; {contacts, total} per ghl-platform.md §6", JSON: `{
			"type": "object",
			"properties": {
				"contacts": {"type": "array", "items": {"$ref": "#/components/schemas/x-SearchContact"}},
				"total": {"type": "number", "example": 1}
			}}`},
		"x-SearchContact": {Why: "GitHub issue GoHighLevel/highlevel-api-docs#314: search returns dateOfBirth as epoch ms, and each hit carries its searchAfter cursor (ghl-platform.md §6)", JSON: `{
			"allOf": [
				{"$ref": "#/components/schemas/ContactsSearchSchema"},
				{"type": "object", "properties": {
					"dateOfBirth": {"type": "number", "example": 654220800000},
					"searchAfter": {"type": "array", "items": {}, "example": [1603870249758, "ocQHyuzHvysMo5N5VsXc"]}
				}}
			]}`},
		"x-ContactListResponse": {Why: "ContactsMetaSchema is declared but never referenced; the catalog (catalog.csv, get-contacts) and GitHub issue PipedreamHQ/pipedream#21944 show GET /contacts/ answering with meta{startAfter, startAfterId, nextPageUrl}", JSON: `{
			"allOf": [
				{"$ref": "#/components/schemas/ContactsSearchSuccessfulResponseDto"},
				{"type": "object", "properties": {"meta": {"$ref": "#/components/schemas/ContactsMetaSchema"}}}
			]}`},
		"x-DuplicateContactResponse": {Why: "ghl-platform.md §8: GET /contacts/search/duplicate declares no response schema; it answers {contact}, null when none matches; live payload nango_find_duplicate (witness) adds matchingField and traceId", JSON: `{
			"type": "object",
			"properties": {
				"contact": {"$ref": "#/components/schemas/GetContectByIdSchema"},
				"matchingField": {"type": "string", "example": "email"},
				"traceId": {"type": "string", "example": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"}
			}}`},
		"x-ContactLive": {Why: whyLiveContact, JSON: `{
			"type": "object",
			"properties": {
				"contactName": {"type": "string", "example": "jamie rivera"},
				"firstNameRaw": {"type": "string", "example": "Jamie"},
				"lastNameRaw": {"type": "string", "example": "Rivera"},
				"additionalEmails": {"type": "array", "items": {"$ref": "#/components/schemas/x-AdditionalEmail"}},
				"additionalPhones": {"type": "array", "items": {"$ref": "#/components/schemas/x-AdditionalPhone"}},
				"phoneLabel": {"type": "string", "example": "Mobile"},
				"address": {"type": "string", "example": "12 Harbour Rd"},
				"businessName": {"type": "string", "example": "Rivera Plumbing"},
				"inboundDndSettings": {"$ref": "#/components/schemas/InboundDndSettingsSchema"},
				"opportunities": {"type": "array", "items": {"$ref": "#/components/schemas/x-ContactOpportunity"}},
				"createdBy": {"$ref": "#/components/schemas/x-ContactChangeSource"},
				"lastUpdatedBy": {"$ref": "#/components/schemas/x-ContactChangeSource"},
				"validEmail": {"type": "boolean", "example": true},
				"validEmailDate": {"type": "string", "example": "2026-03-02T09:15:00.000Z"}
			}}`},
		"x-AdditionalEmail": {Why: whyLiveContact, JSON: `{
			"type": "object",
			"properties": {"email": {"type": "string", "example": "jamie.work@example.com"}}}`},
		"x-AdditionalPhone": {Why: whyLiveContact, JSON: `{
			"type": "object",
			"properties": {"phone": {"type": "string", "example": "+15550102030"}}}`},
		"x-ContactOpportunity": {Why: "live payload nango_search_sorted (witness): search hits carry opportunities [{id, pipelineId, pipelineStageId, monetaryValue, status}]", JSON: `{
			"type": "object",
			"properties": {
				"id": {"type": "string", "example": "Qw3rTy7uIoP1aSdFgH2j"},
				"pipelineId": {"type": "string", "example": "Zx9cVb8nM7lK6jH5gF4d"},
				"pipelineStageId": {"type": "string", "example": "5b1e2f7a-0c3d-4e8f-9a6b-2d4c6e8f0a1b"},
				"monetaryValue": {"type": "number", "example": 1250.5},
				"status": {"type": "string", "example": "open"}
			}}`},
		"x-ContactChangeSource": {Why: "live payloads nango_create_contact and arman_contact_pasted (witness): createdBy and lastUpdatedBy are {source, channel, sourceId, sourceName, timestamp}", JSON: `{
			"type": "object",
			"properties": {
				"source": {"type": "string", "example": "INTEGRATION"},
				"channel": {"type": "string", "example": "OAUTH"},
				"sourceId": {"type": "string", "example": "app-42"},
				"sourceName": {"type": "string", "example": "Sync App"},
				"timestamp": {"type": "string", "example": "2026-03-02T09:15:00.000Z"}
			}}`},
		"x-DndSettingsLive": {Why: "live webhook issue264_ContactDndUpdate_live (witness): dndSettings has an RCS channel", JSON: `{
			"type": "object",
			"properties": {"RCS": {"$ref": "#/components/schemas/DndSettingSchema"}}}`},
		"x-AttributionSourceLive": {Why: "live payloads arman_contact_pasted and pipedream_list_item_updated_contact (witness): attributions carry sessionSource, utmSessionSource and isLast", JSON: `{
			"type": "object",
			"properties": {
				"sessionSource": {"type": "string", "example": "CRM UI"},
				"utmSessionSource": {"type": "string", "example": "Direct traffic"},
				"isLast": {"type": "boolean", "example": true}
			}}`},
		"x-EventLive": {Why: "live payloads nango_get_appointment and nango_calendar_events (witness): appointments carry deleted, isRecurring, createdBy and appointmentMeta", JSON: `{
			"type": "object",
			"properties": {
				"isRecurring": {"type": "boolean", "example": false},
				"deleted": {"type": "boolean", "example": false},
				"createdBy": {"$ref": "#/components/schemas/x-AppointmentCreatedBy"},
				"appointmentMeta": {"$ref": "#/components/schemas/x-AppointmentMeta"}
			}}`},
		"x-AppointmentCreatedBy": {Why: "live payload nango_get_appointment (witness): createdBy is {source, userId}", JSON: `{
			"type": "object",
			"properties": {
				"source": {"type": "string", "example": "third_party"},
				"userId": {"type": "string", "example": "Ab12Cd34Ef56Gh78Ij90"}
			}}`},
		"x-AppointmentMeta": {Why: "live payload nango_get_appointment (witness): appointmentMeta is {slotType}", JSON: `{
			"type": "object",
			"properties": {"slotType": {"type": "string", "example": "custom"}}}`},
		"x-NoteLive": {Why: "live payloads nango_create_note, nango_list_notes and pipedream_note_item (witness): notes carry bodyText, relations and businessId", JSON: `{
			"type": "object",
			"properties": {
				"bodyText": {"type": "string", "example": "Call back on Monday"},
				"businessId": {"type": "string", "example": "65f0a1b2c3d4e5f6a7b8c9d0"},
				"relations": {"type": "array", "items": {}}
			}}`},
		"x-ContactActionResponse": {Why: whySucceeded, JSON: `{
			"type": "object",
			"properties": {
				"succeded": {"type": "boolean", "example": true},
				"succeeded": {"type": "boolean", "example": true},
				"traceId": {"type": "string", "example": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"}
			}}`},
		"x-ContactUpsertResponse": {Why: whySucceeded, JSON: `{
			"type": "object",
			"properties": {
				"new": {"type": "boolean", "example": true},
				"succeded": {"type": "boolean", "example": true},
				"succeeded": {"type": "boolean", "example": true},
				"contact": {"$ref": "#/components/schemas/GetContectByIdSchema"},
				"traceId": {"type": "string", "example": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"}
			}}`},
		"x-ContactTagsResponse": {Why: "live payloads nango_add_tags and nango_remove_tags (witness): the answer is {tags, tagsAdded} or {tags, tagsRemoved}, with traceId", JSON: `{
			"type": "object",
			"properties": {
				"tags": {"type": "array", "items": {"type": "string"}, "example": ["vip"]},
				"tagsAdded": {"type": "array", "items": {"type": "string"}, "example": ["vip"]},
				"tagsRemoved": {"type": "array", "items": {"type": "string"}, "example": ["cold"]},
				"traceId": {"type": "string", "example": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"}
			}}`},
		"x-BulkTagsContactResult": {Why: "UpdateTagsResponseDTO types responses as string[] while its own example holds objects", JSON: `{
			"type": "object",
			"properties": {
				"contactId": {"type": "string"},
				"message": {"type": "string"},
				"type": {"type": "string"},
				"oldTags": {"type": "array", "items": {"type": "string"}},
				"tagsAdded": {"type": "array", "items": {"type": "string"}},
				"tagsRemoved": {"type": "array", "items": {"type": "string"}}
			}}`},
	},

	Fields: map[string]Field{
		"dateAdded":             {Type: "Timestamp", Why: whyDates},
		"dateUpdated":           {Type: "Timestamp", Why: whyDates},
		"dueDate":               {Type: "Timestamp", Why: whyDates},
		"lastActivity":          {Type: "Timestamp", Why: whyDates},
		"lastSessionActivityAt": {Type: "Timestamp", Why: whyDates},
		"startTime":             {Type: "Timestamp", Why: whyDates},
		"endTime":               {Type: "Timestamp", Why: whyDates},
		"eventStartTime":        {Type: "Timestamp", Why: whyDates},
		// Writes: the spec types dateOfBirth "object" but takes a date string
		// in one of several layouts; reads override this in Contact.
		"dateOfBirth": {Type: "string", Why: "ghl-platform.md §7: dateOfBirth input accepts YYYY/MM/DD, MM/DD/YYYY, YYYY-MM-DD, ...; the spec types it object",
			Doc: "DateOfBirth is a date as YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY or MM-DD-YYYY\n(dots or underscores also work)."},
		"succeded": {Name: "Succeeded", Doc: "Succeeded reports success (the API spells it \"succeded\")."},
	},

	ExampleFixes: []ExampleFix{
		{Schema: "GetContectByIdSchema", Prop: "dateOfBirth", JSON: `"1990-09-25T00:00:00.000Z"`,
			Why: "the spec's example is prose (\"Date format YYYY-MM-DD\"); reads return YYYY-MM-DDTHH:mm:ss.sssZ (ghl-platform.md §7)"},
		{Schema: "CreateContactSchema", Prop: "dateOfBirth", JSON: `"1990-09-25T00:00:00.000Z"`,
			Why: "the spec's example is prose (\"Date format will be YYYY-MM-DDTHH:mm:ss.sssZ ...\"), ghl-platform.md §7"},
		{Schema: "ContactsSearchSchema", Prop: "followers", JSON: `["641c094001436dbc2081e642"]`,
			Why: "followers is typed string[] but its example is a single string (ghl-platform.md §8: examples contradict types)"},
		{Schema: "UpdateTagsDTO", Prop: "removeAllTags", JSON: `false`,
			Why: "removeAllTags is typed boolean but its example is the string \"false\" (ghl-platform.md §8: examples contradict types)"},
	},

	Enums: []Enum{{
		Name: "BulkTagAction",
		Doc:  "BulkTagAction says whether [ContactsService.BulkUpdateTags] adds or removes tags.",
		Values: []EnumValue{
			{Name: "BulkTagAdd", Value: "add", Doc: "BulkTagAdd adds the tags to every contact."},
			{Name: "BulkTagRemove", Value: "remove", Doc: "BulkTagRemove removes the tags (or all tags, with RemoveAllTags)."},
		},
	}},

	Types: []Type{
		{Name: "Contact", From: []string{"GetContectByIdSchema", "ContactsSearchSchema", "CreateContactSchema", "x-SearchContact", "x-ContactLive"},
			Doc: `Contact is a HighLevel contact. Get, Create, Update, Upsert, List and Search
all return it; each fills the fields its endpoint sends.`,
			Fields: map[string]Field{
				"dateOfBirth": {Type: "Timestamp", Why: "reads return an ISO string, and search returns epoch ms (GitHub issue GoHighLevel/highlevel-api-docs#314)",
					Doc: "DateOfBirth is the birth date, at midnight UTC."},
				"customFields": {Doc: "CustomFields holds the contact's custom field values."},
				"attributions": {Doc: "Attributions lists every attribution source (list and search only)."},
				"followers":    {Doc: "Followers lists the IDs of the users following the contact."},
				"searchAfter": {Type: "[]any", Why: "GitHub issue GoHighLevel/highlevel-api-docs#314 (§6): search hits carry a sort cursor",
					Doc: "SearchAfter is the sort cursor of a Search hit: pass it as\n[ContactSearchRequest].SearchAfter to read the next page (SearchIter does)."},
				"visitorId":        {Doc: "VisitorID is the unique ID of a live-chat visitor."},
				"dnd":              {Doc: "DND is true when every channel is on Do Not Disturb."},
				"contactName":      {Doc: "ContactName is the full name in lower case, as List and Search send it."},
				"firstNameRaw":     {Doc: "FirstNameRaw is the first name as entered (FirstName may be lower-cased)."},
				"lastNameRaw":      {Doc: "LastNameRaw is the last name as entered (LastName may be lower-cased)."},
				"additionalEmails": {Doc: "AdditionalEmails lists the contact's email addresses besides Email."},
				"additionalPhones": {Doc: "AdditionalPhones lists the contact's phone numbers besides Phone."},
				"phoneLabel":       {Doc: "PhoneLabel is the label of Phone, such as \"Mobile\" (Search)."},
				"address": {Doc: `Address is the street address as Search sends it; other reads send
Address1.`},
				"businessName":       {Doc: "BusinessName is the name of the business (BusinessID) the contact belongs to (Search)."},
				"inboundDndSettings": {Doc: "InboundDNDSettings is the inbound Do Not Disturb state."},
				"opportunities":      {Doc: "Opportunities lists the contact's opportunities (Search)."},
				"createdBy":          {Doc: "CreatedBy says who or what created the contact."},
				"lastUpdatedBy":      {Doc: "LastUpdatedBy says who or what last changed the contact."},
				"validEmail": {Type: "*bool", Why: "live payloads nango_create_contact and nango_search_page1 (witness): validEmail is null until the address is verified",
					Doc: "ValidEmail is the result of email verification; nil when not verified."},
				"validEmailDate": {Type: "Timestamp", Why: whyDates + "; live payload nango_create_contact (witness) sends null before verification",
					Doc: "ValidEmailDate is when Email was verified."},
			}},
		{Name: "AdditionalEmail", From: []string{"x-AdditionalEmail"}, Doc: "AdditionalEmail is one more email address of a contact."},
		{Name: "AdditionalPhone", From: []string{"x-AdditionalPhone"}, Doc: "AdditionalPhone is one more phone number of a contact."},
		{Name: "ContactOpportunity", From: []string{"x-ContactOpportunity"}, Doc: "ContactOpportunity is an opportunity of a contact, as a Search hit lists it.",
			Fields: map[string]Field{
				"monetaryValue": {Type: "float64", Why: "live payload nango_search_sorted (witness): a money amount, which may have cents",
					Doc: "MonetaryValue is the opportunity's value."},
				"status": {Doc: `Status is "open", "won", "lost" or "abandoned".`},
			}},
		{Name: "ContactChangeSource", From: []string{"x-ContactChangeSource"},
			Doc: "ContactChangeSource says who or what created or changed a contact: the source (such as INTEGRATION or WEB_USER), channel and ID.",
			Fields: map[string]Field{
				"timestamp": {Type: "Timestamp", Why: whyDates, Doc: "Timestamp is when the change happened."},
			}},
		{Name: "DNDSettings", From: []string{"DndSettingsSchema", "x-DndSettingsLive"},
			Doc: "DNDSettings is the Do Not Disturb state of each channel; nil means unchanged or unknown."},
		{Name: "DNDSetting", From: []string{"DndSettingSchema"},
			Doc: "DNDSetting is the Do Not Disturb state of one channel.",
			Fields: map[string]Field{
				"status": {Doc: `Status is "active", "inactive" or "permanent".`},
			}},
		{Name: "InboundDNDSettings", From: []string{"InboundDndSettingsSchema"},
			Doc: "InboundDNDSettings blocks inbound messages on every channel."},
		{Name: "InboundDNDSetting", From: []string{"InboundDndSettingSchema"},
			Doc: "InboundDNDSetting is the inbound Do Not Disturb state.",
			Fields: map[string]Field{
				"status": {Doc: `Status is "active" or "inactive".`},
			}},
		{Name: "AttributionSource", From: []string{"AttributionSource", "x-AttributionSourceLive"},
			Doc: "AttributionSource records where a contact came from: the page, campaign and ad click IDs.",
			Fields: map[string]Field{
				"sessionSource":    {Doc: "SessionSource is the kind of session the contact came from, such as \"CRM UI\"."},
				"utmSessionSource": {Doc: "UTMSessionSource is the traffic source, such as \"Direct traffic\"."},
				"isLast":           {Doc: "IsLast is true for the latest attribution."},
			}},
		{Name: "CustomField", From: []string{"CustomFieldSchema"},
			Doc: "CustomField is a custom field value as reads return it.",
			Fields: map[string]Field{
				"value": {Type: "json.RawMessage", Why: whyCustomRead,
					Doc: "Value is the raw JSON value: a string, an array of strings, a number or an object."},
			}},
		{Name: "CustomFieldValue", From: []string{"TextField", "LargeTextField", "SingleSelectField", "RadioField", "NumericField", "MonetoryField", "CheckboxField", "MultiSelectField", "FileField"},
			Doc: `CustomFieldValue sets one custom field on create, update or upsert. Name
the field by ID or by Key.`,
			Required:    &[]string{},
			RequiredWhy: "ghl-platform.md §7: \"Pass either id or key\" although the schemas require id",
			Fields: map[string]Field{
				"field_value": {Type: "any", Why: "ghl-platform.md §7: field_value is a string, a string array, a number or a file object, by field type",
					Doc: `FieldValue is a string (text, large text, single select, radio), a
[]string (checkbox, multi-select), a number (numeric, monetary) or a file
object keyed by UUID.`},
			}},
		{Name: "ContactCreateRequest", From: []string{"CreateContactDto"},
			Doc: "ContactCreateRequest is the body of [ContactsService.Create]. Only LocationID is required."},
		{Name: "ContactUpdateRequest", From: []string{"UpdateContactDto"},
			Doc: "ContactUpdateRequest is the body of [ContactsService.Update]. Nil fields are left unchanged.",
			Fields: map[string]Field{
				"tags": {Tag: "omitzero", Doc: `Tags replaces all of the contact's tags; a non-nil empty slice clears
them. Prefer AddTags and RemoveTags.`},
				"customFields": {Tag: "omitzero", Doc: "CustomFields sets the listed custom fields."},
			}},
		{Name: "ContactUpsertRequest", From: []string{"UpsertContactDto"},
			Doc: `ContactUpsertRequest is the body of [ContactsService.Upsert]. Only LocationID
is required.`,
			Fields: map[string]Field{
				"tags": {Tag: "omitzero", Doc: `Tags replaces all of the contact's tags; a non-nil empty slice clears
them.`},
				"createNewIfDuplicateAllowed": {Doc: `CreateNewIfDuplicateAllowed creates a new contact without looking for a
duplicate, when the location allows duplicate contacts.`},
			}},
		{Name: "ContactUpsertResult", From: []string{"x-ContactUpsertResponse"}, Core: true,
			Doc: "ContactUpsertResult is declared in contacts_result.go: it reads succeded or succeeded."},
		{Name: "ContactActionResult", From: []string{"x-ContactActionResponse"}, Core: true,
			Doc: "ContactActionResult is declared in contacts_result.go: it reads succeded or succeeded."},
		{Name: "ContactTagsResult", From: []string{"x-ContactTagsResponse"},
			Doc: "ContactTagsResult is the answer of [ContactsService.AddTags] and [ContactsService.RemoveTags].",
			Fields: map[string]Field{
				"tags":        {Doc: "Tags lists the tags the request named."},
				"tagsAdded":   {Doc: "TagsAdded lists the tags that were new to the contact (AddTags)."},
				"tagsRemoved": {Doc: "TagsRemoved lists the tags that the contact had (RemoveTags)."},
			}},
		{Name: "DuplicateContactResult", From: []string{"x-DuplicateContactResponse"},
			Doc: "DuplicateContactResult is the answer of [ContactsService.FindDuplicate].",
			Fields: map[string]Field{
				"contact": {Doc: "Contact is the matching contact, nil when none matches."},
				"matchingField": {Doc: `MatchingField names the field that matched, such as "email", "phone" or
"contactId".`},
			}},
		{Name: "PageMeta", From: []string{"ContactsMetaSchema"}, Core: true},
		{Name: "Task", From: []string{"TaskSchema"}, Doc: "Task is a to-do attached to a contact."},
		{Name: "TaskCreateRequest", From: []string{"CreateTaskParams"}, Doc: "TaskCreateRequest is the body of [ContactsService.CreateTask]."},
		{Name: "TaskUpdateRequest", From: []string{"UpdateTaskBody"}, Doc: "TaskUpdateRequest is the body of [ContactsService.UpdateTask]. Nil fields are left unchanged."},
		{Name: "TaskCompletedRequest", From: []string{"UpdateTaskStatusParams"}, Doc: "TaskCompletedRequest is the body of [ContactsService.CompleteTask]."},
		{Name: "Appointment", From: []string{"GetEventSchema", "x-EventLive"}, Doc: "Appointment is a calendar event booked for a contact.",
			Fields: map[string]Field{
				"deleted":         {Doc: "Deleted is true for a deleted appointment, which reads still return."},
				"isRecurring":     {Doc: "IsRecurring is true for an occurrence of a recurring event."},
				"appointmentMeta": {Doc: "AppointmentMeta describes the booked slot."},
			}},
		{Name: "AppointmentCreatedBy", From: []string{"x-AppointmentCreatedBy"}, Doc: "AppointmentCreatedBy says who booked an appointment: the source and, for a user, the user ID."},
		{Name: "AppointmentMeta", From: []string{"x-AppointmentMeta"}, Doc: "AppointmentMeta describes the slot of an appointment.",
			Fields: map[string]Field{
				"slotType": {Doc: `SlotType is the kind of slot, such as "custom".`},
			}},
		{Name: "Note", From: []string{"GetNoteSchema", "x-NoteLive"}, Doc: "Note is a note on a contact.",
			Fields: map[string]Field{
				"bodyText": {Doc: "BodyText is Body as plain text."},
				"relations": {Type: "[]json.RawMessage", Why: "live payloads nango_list_notes and pipedream_note_item (witness): relations is an array whose items were always empty",
					Doc: "Relations links the note to other records, as sent."},
				"businessId": {Doc: "BusinessID is the business the note belongs to, if any."},
			}},
		{Name: "NoteCreateRequest", From: []string{"NotesDTO"}, Doc: "NoteCreateRequest is the body of [ContactsService.CreateNote]."},
		{Name: "NoteUpdateRequest", From: []string{"UpdateNoteDTO"}, Doc: "NoteUpdateRequest is the body of [ContactsService.UpdateNote]. Nil fields are left unchanged."},
		{Name: "ContactTagsRequest", From: []string{"TagsDTO"}, Doc: "ContactTagsRequest is the body of [ContactsService.AddTags] and [ContactsService.RemoveTags]."},
		{Name: "BulkTagsRequest", From: []string{"UpdateTagsDTO"}, Doc: "BulkTagsRequest is the body of [ContactsService.BulkUpdateTags].",
			Fields: map[string]Field{
				"contacts": {Doc: "Contacts lists the IDs of the contacts to update."},
				"tags":     {Doc: "Tags lists the tags to add or remove."},
				"removeAllTags": {Doc: `RemoveAllTags removes every tag from the contacts; only with
[BulkTagRemove].`},
			}},
		{Name: "BulkTagsResult", From: []string{"UpdateTagsResponseDTO"}, Doc: "BulkTagsResult is the answer of [ContactsService.BulkUpdateTags].",
			Fields: map[string]Field{
				"errorCount": {Doc: "ErrorCount is the number of contacts that failed."},
				"responses": {Schema: `{"type": "array", "items": {"$ref": "#/components/schemas/x-BulkTagsContactResult"}}`,
					Why: "UpdateTagsResponseDTO types responses as string[] while its own example holds objects",
					Doc: "Responses has one entry per contact."},
			}},
		{Name: "BulkTagsContactResult", From: []string{"x-BulkTagsContactResult"}, Doc: "BulkTagsContactResult is the outcome of a bulk tag update for one contact.",
			Fields: map[string]Field{
				"type": {Doc: `Type is "success" or "error".`},
			}},
		{Name: "BulkBusinessRequest", From: []string{"ContactsBusinessUpdate"}, Doc: "BulkBusinessRequest is the body of [ContactsService.BulkUpdateBusiness].",
			Fields: map[string]Field{
				"ids": {Doc: "IDs lists the contacts to attach or detach."},
				"businessId": {Type: "*string", Tag: "-", Why: "ghl-platform.md §8: a null businessId detaches the contacts, so it is always sent",
					Doc: "BusinessID is the business to attach the contacts to; nil detaches them."},
			}},
		{Name: "BulkBusinessResult", From: []string{"ContactsBulkUpateResponse"}, Doc: "BulkBusinessResult is the answer of [ContactsService.BulkUpdateBusiness].",
			Fields: map[string]Field{
				"ids": {Doc: "IDs lists the contacts that were updated."},
			}},
		{Name: "ContactFollowersRequest", From: []string{"FollowersDTO"}, Doc: "ContactFollowersRequest is the body of [ContactsService.AddFollowers] and [ContactsService.RemoveFollowers].",
			Fields: map[string]Field{
				"followers": {Doc: "Followers lists user IDs."},
			}},
		{Name: "ContactFollowers", From: []string{"CreateAddFollowersSuccessfulResponseDto", "DeleteFollowersSuccessfulResponseDto"},
			Doc: "ContactFollowers is the answer of [ContactsService.AddFollowers] and [ContactsService.RemoveFollowers].",
			Fields: map[string]Field{
				"followers":        {Doc: "Followers lists the contact's followers after the change."},
				"followersAdded":   {Doc: "FollowersAdded lists the users added (AddFollowers)."},
				"followersRemoved": {Doc: "FollowersRemoved lists the users removed (RemoveFollowers)."},
			}},
		{Name: "ContactWorkflowRequest", From: []string{"CreateWorkflowDto"},
			Doc: "ContactWorkflowRequest is the optional body of [ContactsService.AddToWorkflow] and [ContactsService.RemoveFromWorkflow].",
			Fields: map[string]Field{
				"eventStartTime": {Doc: "EventStartTime is the event time the workflow's timed steps count from."},
			}},
		{Name: "ContactSearchRequest", From: []string{"x-ContactSearchRequest"}, Values: true,
			Doc: `ContactSearchRequest is the body of [ContactsService.Search]. LocationID and
PageLimit are required.`,
			Fields: map[string]Field{
				"page":      {Doc: "Page is the 1-based page; pages reach the first 10,000 matches, use SearchAfter past that."},
				"pageLimit": {Doc: "PageLimit is the page size, 1 to 500."},
				"searchAfter": {Type: "[]any", Why: whySearchGap,
					Doc: "SearchAfter is the SearchAfter of the last contact of the previous page;\nleave Page zero when it is set."},
				"query":   {Doc: "Query is a free-text search, at most 75 characters."},
				"filters": {Doc: "Filters are combined with AND."},
				"sort":    {Doc: "Sort orders the results."},
			}},
		{Name: "ContactSearchFilter", From: []string{"x-ContactSearchFilter"},
			Doc: `ContactSearchFilter is one condition of a search ({Field, Operator, Value}),
or a group of conditions ({Group: "AND" or "OR", Filters}).`,
			Fields: map[string]Field{
				"operator": {Doc: `Operator is "eq", "not_eq", "contains", "not_contains", "exists",
"not_exists", "range" and so on, by field type.`},
				"value": {Type: "any", Why: whySearchGap, Doc: "Value is a string, number, bool, array or range object, by operator."},
				"group": {Doc: `Group is "AND" or "OR" for a group of Filters.`},
			}},
		{Name: "ContactSearchSort", From: []string{"x-ContactSearchSort"}, Doc: "ContactSearchSort orders search results by one field.",
			Fields: map[string]Field{
				"direction": {Doc: `Direction is "asc" or "desc".`},
			}},
	},

	Ops: []Op{
		{ID: "get-contact", Method: "GET", Path: "/contacts/{contactId}", Name: "Get",
			Doc: "Get returns a contact by ID.", Result: "contact"},
		{ID: "create-contact", Method: "POST", Path: "/contacts/", Name: "Create",
			Doc: `Create creates a contact. HighLevel may create the contact even when it
answers with an error (GitHub issue GoHighLevel/highlevel-api-docs#64), so
a failed Create is not retried; see [ErrOutcomeUnknown].`, Result: "contact"},
		{ID: "update-contact", Method: "PUT", Path: "/contacts/{contactId}", Name: "Update",
			Doc: "Update changes the fields of a contact that req sets.", Result: "contact"},
		{ID: "delete-contact", Method: "DELETE", Path: "/contacts/{contactId}", Name: "Delete",
			Doc:      "Delete deletes a contact; res.Succeeded reports whether HighLevel did.",
			Response: "x-ContactActionResponse", ReplaceWhy: whySucceeded},
		{ID: "upsert-contact", Method: "POST", Path: "/contacts/upsert", Name: "Upsert",
			Doc: `Upsert updates the contact that matches req's email or phone, or creates
one. Matching follows the location's "Allow Duplicate Contact" setting:
with it on, email is matched first, then phone.`,
			Response: "x-ContactUpsertResponse", ReplaceWhy: whySucceeded},
		{ID: "get-contacts", Method: "GET", Path: "/contacts/", Name: "List",
			Doc: `List returns a page of the location's contacts. Use ListIter to read them
all; resp.Meta holds the cursors of the next page.`,
			Deprecated: "HighLevel deprecates this endpoint; use Search.",
			Result:     "contacts", Total: "count", Options: "ContactListOptions", Paging: "startAfter",
			Response: "x-ContactListResponse", ReplaceWhy: "the 200 omits meta although ContactsMetaSchema exists (see the replacement schema)",
			Query: map[string]Field{
				"startAfter":   {Type: "int64", Why: "ghl-platform.md §6: startAfter is epoch milliseconds", Doc: "StartAfter is the dateAdded, in epoch ms, of the last contact of the previous page."},
				"startAfterId": {Doc: "StartAfterID is the ID of the last contact of the previous page; send it with StartAfter."},
				"limit":        {Doc: "Limit is the page size: 20 by default, at most 100."},
				"query":        {Doc: "Query filters by name, email or phone."},
			}},
		{ID: "search-contacts-advanced", Method: "POST", Path: "/contacts/search", Name: "Search",
			Doc: `Search returns one page of the contacts matching req's filters, and the
number of matches in resp.Total. Use SearchIter to read every page.`,
			Result: "contacts", Total: "total", Paging: "page",
			Request: "x-ContactSearchRequest", Response: "x-ContactSearchResponse", ReplaceWhy: whySearchGap},
		{ID: "get-duplicate-contact", Method: "GET", Path: "/contacts/search/duplicate", Name: "FindDuplicate",
			Doc: `FindDuplicate returns the contact of the location that has opts' email or
phone number (res.Contact, nil when there is none) and the field that
matched (res.MatchingField). With "Allow Duplicate Contact"
enabled, email is searched first, then phone.`,
			Options:  "DuplicateSearchOptions",
			Response: "x-DuplicateContactResponse", ReplaceWhy: "ghl-platform.md §8: no response schema",
			Query: map[string]Field{
				"number": {Doc: "Number is a phone number, in E.164 (+14155550100)."},
			}},
		{ID: "get-contacts-by-businessId", Method: "GET", Path: "/contacts/business/{businessId}", Name: "ListByBusiness",
			Doc: `ListByBusiness returns a page of the contacts attached to a business. Use
ListByBusinessIter to read them all.`,
			Result: "contacts", Total: "count", Options: "ContactsByBusinessOptions", Paging: "skip",
			Query: map[string]Field{
				"limit": {Type: "int", Why: "ghl-platform.md §6: skip and limit are typed string; sent as decimal text", Doc: "Limit is the page size (25 by default)."},
				"skip":  {Type: "int", Why: "ghl-platform.md §6: skip and limit are typed string; sent as decimal text", Doc: "Skip is the number of contacts to skip."},
				"query": {Doc: "Query filters by contact name."},
			}},
		{ID: "get-appointments-for-contact", Method: "GET", Path: "/contacts/{contactId}/appointments", Name: "ListAppointments",
			Doc: "ListAppointments returns the appointments of a contact.", Result: "events"},

		{ID: "get-all-tasks", Method: "GET", Path: "/contacts/{contactId}/tasks", Name: "ListTasks",
			Doc: "ListTasks returns the tasks of a contact.", Result: "tasks"},
		{ID: "get-task", Method: "GET", Path: "/contacts/{contactId}/tasks/{taskId}", Name: "GetTask",
			Doc: "GetTask returns one task of a contact.", Result: "task"},
		{ID: "create-task", Method: "POST", Path: "/contacts/{contactId}/tasks", Name: "CreateTask",
			Doc: "CreateTask adds a task to a contact.", Result: "task"},
		{ID: "update-task", Method: "PUT", Path: "/contacts/{contactId}/tasks/{taskId}", Name: "UpdateTask",
			Doc: "UpdateTask changes the fields of a task that req sets.", Result: "task"},
		{ID: "update-task-completed", Method: "PUT", Path: "/contacts/{contactId}/tasks/{taskId}/completed", Name: "CompleteTask",
			Doc: "CompleteTask marks a task completed, or not completed.", Result: "task"},
		{ID: "delete-task", Method: "DELETE", Path: "/contacts/{contactId}/tasks/{taskId}", Name: "DeleteTask",
			Doc:      "DeleteTask deletes a task; res.Succeeded reports whether HighLevel did.",
			Response: "x-ContactActionResponse", ReplaceWhy: whySucceeded},

		{ID: "get-all-notes", Method: "GET", Path: "/contacts/{contactId}/notes", Name: "ListNotes",
			Doc: "ListNotes returns the notes of a contact.", Result: "notes"},
		{ID: "get-note", Method: "GET", Path: "/contacts/{contactId}/notes/{id}", Name: "GetNote",
			Doc: "GetNote returns one note of a contact.", Result: "note", Params: map[string]string{"id": "noteID"}},
		{ID: "create-note", Method: "POST", Path: "/contacts/{contactId}/notes", Name: "CreateNote",
			Doc: "CreateNote adds a note to a contact.", Result: "note"},
		{ID: "update-note", Method: "PUT", Path: "/contacts/{contactId}/notes/{id}", Name: "UpdateNote",
			Doc: "UpdateNote changes the fields of a note that req sets.", Result: "note", Params: map[string]string{"id": "noteID"}},
		{ID: "delete-note", Method: "DELETE", Path: "/contacts/{contactId}/notes/{id}", Name: "DeleteNote",
			Doc: "DeleteNote deletes a note; res.Succeeded reports whether HighLevel did.", Params: map[string]string{"id": "noteID"},
			Response: "x-ContactActionResponse", ReplaceWhy: whySucceeded},

		{ID: "add-tags", Method: "POST", Path: "/contacts/{contactId}/tags", Name: "AddTags",
			Doc:      "AddTags adds tags to a contact; res.TagsAdded lists those it did not have.",
			Response: "x-ContactTagsResponse", ReplaceWhy: "live payload nango_add_tags (witness): the answer also has tagsAdded and traceId"},
		{ID: "remove-tags", Method: "DELETE", Path: "/contacts/{contactId}/tags", Name: "RemoveTags",
			Doc:      "RemoveTags removes tags from a contact; res.TagsRemoved lists those it had.",
			Response: "x-ContactTagsResponse", ReplaceWhy: "live payload nango_remove_tags (witness): the answer also has tagsRemoved and traceId"},
		{ID: "create-association", Method: "POST", Path: "/contacts/bulk/tags/update/{type}", Name: "BulkUpdateTags",
			Doc: `BulkUpdateTags adds tags to, or removes tags from, many contacts at once.
req.RemoveAllTags works only with [BulkTagRemove].`,
			Params: map[string]string{"type": "action"},
			PathParams: []PathParam{{Name: "type", Type: "BulkTagAction",
				Why: "ghl-platform.md §8 [SPEC-GAP]: the path uses {type} (add or remove) without declaring it"}},
			Scopes: []string{"contacts.write"}, ScopesWhy: whyNoSecurity,
			Checks: []string{
				`if action != BulkTagAdd && action != BulkTagRemove {
					return nil, nil, &ArgError{Operation: op.Name, Arg: "type", Reason: "must be add or remove"}
				}`,
				`if req.RemoveAllTags != nil && *req.RemoveAllTags && action != BulkTagRemove {
					return nil, nil, &ArgError{Operation: op.Name, Arg: "removeAllTags", Reason: "works only with remove"}
				}`,
			},
			ChecksWhy: "ghl-platform.md §8: type is add or remove, and removeAllTags works only with remove"},
		{ID: "add-remove-contact-from-business", Method: "POST", Path: "/contacts/bulk/business", Name: "BulkUpdateBusiness",
			Doc: `BulkUpdateBusiness attaches contacts to a business, or detaches them when
req.BusinessID is nil.`,
			Scopes: []string{"contacts.write"}, ScopesWhy: whyNoSecurity},

		{ID: "add-followers-contact", Method: "POST", Path: "/contacts/{contactId}/followers", Name: "AddFollowers",
			Doc: "AddFollowers makes users followers of a contact."},
		{ID: "remove-followers-contact", Method: "DELETE", Path: "/contacts/{contactId}/followers", Name: "RemoveFollowers",
			Doc: "RemoveFollowers removes followers from a contact."},

		{ID: "add-contact-to-campaign", Method: "POST", Path: "/contacts/{contactId}/campaigns/{campaignId}", Name: "AddToCampaign",
			Doc:      "AddToCampaign adds a contact to a campaign; res.Succeeded reports whether HighLevel did.",
			Response: "x-ContactActionResponse", ReplaceWhy: whySucceeded,
			EmptyBody: true, EmptyBodyWhy: "ghl-platform.md §8: AddContactToCampaignDto is {}, so the body is always {}"},
		{ID: "remove-contact-from-campaign", Method: "DELETE", Path: "/contacts/{contactId}/campaigns/{campaignId}", Name: "RemoveFromCampaign",
			Doc:      "RemoveFromCampaign removes a contact from a campaign; res.Succeeded reports whether HighLevel did.",
			Response: "x-ContactActionResponse", ReplaceWhy: whySucceeded},
		{ID: "remove-contact-from-every-campaign", Method: "DELETE", Path: "/contacts/{contactId}/campaigns/removeAll", Name: "RemoveFromAllCampaigns",
			Doc:      "RemoveFromAllCampaigns removes a contact from every campaign; res.Succeeded reports whether HighLevel did.",
			Response: "x-ContactActionResponse", ReplaceWhy: whySucceeded},
		{ID: "add-contact-to-workflow", Method: "POST", Path: "/contacts/{contactId}/workflow/{workflowId}", Name: "AddToWorkflow",
			Doc:      "AddToWorkflow enrols a contact in a workflow; res.Succeeded reports whether HighLevel did. req may be nil.",
			Response: "x-ContactActionResponse", ReplaceWhy: whySucceeded, OptionalBody: true},
		{ID: "delete-contact-from-workflow", Method: "DELETE", Path: "/contacts/{contactId}/workflow/{workflowId}", Name: "RemoveFromWorkflow",
			Doc:      "RemoveFromWorkflow removes a contact from a workflow; res.Succeeded reports whether HighLevel did. req may be nil.",
			Response: "x-ContactActionResponse", ReplaceWhy: whySucceeded, OptionalBody: true},
	},
}
