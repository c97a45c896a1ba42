// Package quota is the shared vocabulary of mystatus: platform identifiers,
// accounts and their usage windows, the [Provider] interface every platform
// implements, and the closed set of error kinds ([Kind]) that the renderer
// explains to the user.
//
// It imports only the standard library so that every other package may
// depend on it.
package quota
