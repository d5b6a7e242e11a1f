package ghl

// ContactsService is the Contacts API (placeholder until generated).
type ContactsService service
