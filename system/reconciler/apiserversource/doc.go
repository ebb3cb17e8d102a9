// Package apiserversource reconciles ApiServerSources and runs them: for
// each source it adds handlers to shared unstructured informers of the
// listed kinds (from the manager's cache), turns every add, update and
// delete that passes the source's namespace, label and owner filters into
// Knative's dev.knative.apiserver.{resource,ref}.{add,update,delete} event,
// and hands it to an Emitter (see system/source). The handlers are removed
// when the source changes or is deleted, and an informer no source uses
// any more is stopped.
package apiserversource
