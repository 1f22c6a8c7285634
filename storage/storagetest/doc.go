// Package storagetest is the conformance suite of the userkit storage
// contract (package storage). Every adapter runs it from one test:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store {
//			return memory.New() // or a store over a fresh schema
//		})
//	}
//
// Run calls newStore once per subtest and runs the subtests in parallel,
// so every store it gets must be empty and independent of the others. SQL
// adapters size their text columns by the Max constants of this package,
// which the suite stores and reads back.
//
// Where the contract leaves a point open, the suite decides it the way a
// SQL database naturally behaves; each decision is a comment at the test
// that checks it.
package storagetest
