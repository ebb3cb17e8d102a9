// Package pingsource reconciles PingSources and fires them: the controller
// keeps each source's next fire time and asks to be requeued then, on the
// injected (possibly virtual) clock; at each due time it hands the event to
// an Emitter (see system/source). The last fire time is kept in the
// source's status annotations, so a restarted controller does not fire the
// same instant twice; after an outage only the latest missed instant fires.
package pingsource
