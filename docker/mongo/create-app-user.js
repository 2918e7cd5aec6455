// Runs once, when the mongo container starts on an empty volume (the image executes
// /docker-entrypoint-initdb.d/*.js with mongosh as the root user). Creates the account
// the api and worker use: readWrite on the product's database and nothing else, so the
// root credentials never leave the mongo container.
// Changing the password later: README, "Deploy" → Backups and maintenance.
const database = process.env.MONGO_DATABASE || 'directdrivex';
const user = process.env.MONGO_APP_USERNAME;
const pwd = process.env.MONGO_APP_PASSWORD;
if (!user || !pwd) throw new Error('MONGO_APP_USERNAME and MONGO_APP_PASSWORD must be set');

const target = db.getSiblingDB(database);
if (target.getUser(user)) {
  print(`create-app-user: ${user} already exists on ${database}`);
} else {
  target.createUser({ user, pwd, roles: [{ role: 'readWrite', db: database }] });
  print(`create-app-user: created ${user} (readWrite on ${database})`);
}
