// Package azurefake holds loopback fakes of the Azure services acb talks to,
// for tests: a managed-identity endpoint speaking the App Service protocol
// and an Azure Container Registry token service in front of the in-process
// registry from go-containerregistry.
//
// The fakes follow the real wire protocols, so the code under test uses the
// real client libraries (azidentity, go-containerregistry) against them. They
// listen on 127.0.0.1 only and keep all state per instance.
package azurefake
