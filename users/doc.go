// Package users manages the users of a userkit host: their records, login
// names, passwords and authentication.
//
// Passwords are hashed with argon2id (PHC strings, OWASP parameters by
// default); bcrypt hashes imported from elsewhere verify and are replaced
// by argon2id at the next successful login. At most
// Options.MaxConcurrentHashes hashes run at once. New passwords follow a
// PasswordPolicy: DefaultPolicy (10+ characters, a digit and an upper-case
// letter) or NISTPolicy. Authenticate answers every failure the same way,
// does the same work for unknown emails and locks an account after
// Options.MaxFailedLogins consecutive failures, counted in the store.
//
// Every method except Authenticate (and Prepare and Insert, which other
// services build on) checks the principal carried in ctx:
//
//	store := memory.New()
//	us := users.New(store, permissions.New(store, nil), nil)
//	ctx := permissions.WithPrincipal(context.Background(), permissions.System)
//	u, err := us.Create(ctx, users.CreateParams{
//		Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson",
//		Password: "Samplepassword12",
//	})
//	// u.LoginName == "mona.benson"
//	u, err = us.Authenticate(context.Background(), "Mona.Benson@example.com", "Samplepassword12")
//
// Import and ImportSeq create many users at once (a file's worth), a
// transaction per chunk of 500, with a result per item: created, attached
// to a partner, exists, or failed with its field problems.
package users
