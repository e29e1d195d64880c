#include "postgres/pg_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <string>

#include "core/test_temp_dir.h"
#include "core/workspace.h"
#include "postgres/pg_client.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace pg_server_test {
namespace {

namespace fs = std::filesystem;

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

bool Alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

// Starts a server in a fresh directory of `workspace` below `parent`.
StatusOr<std::unique_ptr<PgServer>> StartServer(Workspace& workspace, const std::string& parent, std::string* dir) {
  const PgBinaries bin = FindPgBinaries();
  if (!bin.found()) return Status::Runtime(bin.reason);
  SHARDLAB_ASSIGN_OR_RETURN(PgUser user, PgServerUser());
  SHARDLAB_ASSIGN_OR_RETURN(*dir, MakePgServerDir(workspace, parent, user));
  PgServerOptions o;
  o.bindir = bin.bindir;
  o.dir = *dir;
  o.user = user;
  o.settings = {{"max_connections", "5"}};
  return PgServer::Start(o);
}

#define SKIP_WITHOUT_SERVER()                                                                      \
  do {                                                                                             \
    if (!FindPgBinaries().found()) GTEST_SKIP() << "no PostgreSQL server binaries: " << FindPgBinaries().reason; \
  } while (0)

TEST(PgServerTest, BindirFromTheEnvironmentMustHoldTheServer) {
  TempDir empty;
  ScopedEnv env("SHARDLAB_PG_BINDIR", empty.path());
  const PgBinaries b = FindPgBinaries();
  EXPECT_FALSE(b.found());
  EXPECT_EQ(b.reason, "SHARDLAB_PG_BINDIR=" + empty.path() + " holds no executable initdb and postgres");
}

TEST(PgServerTest, FoundBinariesHoldInitdbAndPostgres) {
  SKIP_WITHOUT_SERVER();
  const PgBinaries b = FindPgBinaries();
  EXPECT_TRUE(fs::is_regular_file(b.bindir + "/initdb"));
  EXPECT_TRUE(fs::is_regular_file(b.bindir + "/postgres"));
  EXPECT_FALSE(b.found_by.empty());
}

TEST(PgServerTest, StartsOnLoopbackAndStopsLeavingNoProcess) {
  SKIP_WITHOUT_SERVER();
  TempDir tmp;
  Workspace workspace;
  std::string dir;
  auto server = StartServer(workspace, tmp.path(), &dir);
  ASSERT_TRUE(server.ok()) << server.status().message();
  PgServer& pg = **server;
  ASSERT_TRUE(pg.running());
  const pid_t pid = pg.pid();
  EXPECT_TRUE(Alive(pid));
  EXPECT_GT(pg.port(), 0);
  EXPECT_FALSE(ProcessesWorkingIn(dir).empty()) << "the postmaster works in its data directory";
  EXPECT_TRUE(fs::exists(pg.data_dir() + "/postmaster.pid"));
  EXPECT_FALSE(fs::exists(dir + "/pwfile")) << "the password file is removed after initdb";

  if (PgClientAvailable()) {
    auto conn = PgConnection::Connect(pg.ConnInfo());
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    auto rows = conn->Query("SELECT current_setting('listen_addresses'), current_setting('lc_collate'), "
                            "current_setting('server_encoding')");
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    EXPECT_EQ(rows->at(0), (std::vector<std::string>{"127.0.0.1", "C", "UTF8"}));
    // SCRAM on TCP: no password, no connection.
    const std::string info = pg.ConnInfo();
    const size_t at = info.find(" password=");
    const std::string without = info.substr(0, at) + info.substr(info.find(' ', at + 1));
    EXPECT_FALSE(PgConnection::Connect(without).ok());
  }

  const Status stopped = pg.Stop();
  EXPECT_TRUE(stopped.ok()) << stopped.message();
  EXPECT_FALSE(pg.running());
  EXPECT_FALSE(Alive(pid));
  EXPECT_TRUE(ProcessesWorkingIn(dir).empty());
  EXPECT_TRUE(pg.Stop().ok()) << "stopping twice is harmless";
  workspace.RemoveCreated();
  EXPECT_FALSE(fs::exists(dir));
}

// A crash of a participant (issue 16): SIGKILL of the whole server, then a restart on the
// same data directory; a prepared transaction survives both and can still be resolved.
TEST(PgServerTest, KilledServerRestartsWithItsPreparedTransactions) {
  SKIP_WITHOUT_SERVER();
  if (!PgClientAvailable()) GTEST_SKIP() << "built without libpq";
  TempDir tmp;
  Workspace workspace;
  const PgBinaries bin = FindPgBinaries();
  auto user = PgServerUser();
  ASSERT_TRUE(user.ok());
  auto dir = MakePgServerDir(workspace, tmp.path(), *user);
  ASSERT_TRUE(dir.ok());
  PgServerOptions o;
  o.bindir = bin.bindir;
  o.dir = *dir;
  o.user = *user;
  o.settings = {{"max_connections", "5"}, {"max_prepared_transactions", "4"}};
  auto server = PgServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status().message();
  PgServer& pg = **server;
  {
    auto conn = PgConnection::Connect(pg.ConnInfo());
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    ASSERT_TRUE(conn->Exec("CREATE TABLE t(v int); BEGIN; INSERT INTO t VALUES (7); PREPARE TRANSACTION 'g1'").ok());
  }
  const pid_t old_pid = pg.pid();
  const Status killed = pg.Kill();
  ASSERT_TRUE(killed.ok()) << killed.message();
  EXPECT_FALSE(pg.running());
  EXPECT_FALSE(Alive(old_pid));
  EXPECT_TRUE(ProcessesWorkingIn(*dir).empty());
  EXPECT_EQ(pg.kills(), 1);

  const Status restarted = pg.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.message();
  auto conn = PgConnection::Connect(pg.ConnInfo());
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  auto prepared = conn->Query("SELECT gid FROM pg_prepared_xacts");
  ASSERT_TRUE(prepared.ok()) << prepared.status().message();
  EXPECT_EQ(*prepared, (std::vector<std::vector<std::string>>{{"g1"}}));
  ASSERT_TRUE(conn->Exec("COMMIT PREPARED 'g1'").ok());
  auto rows = conn->Query("SELECT v FROM t");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (std::vector<std::vector<std::string>>{{"7"}}));
  EXPECT_TRUE(pg.Stop().ok());
  EXPECT_TRUE(ProcessesWorkingIn(*dir).empty());
}

// The error path: a server nobody stops explicitly is stopped when it goes out of scope.
TEST(PgServerTest, DestructorStopsTheServer) {
  SKIP_WITHOUT_SERVER();
  TempDir tmp;
  Workspace workspace;
  std::string dir;
  pid_t pid = -1;
  {
    auto server = StartServer(workspace, tmp.path(), &dir);
    ASSERT_TRUE(server.ok()) << server.status().message();
    pid = (*server)->pid();
    ASSERT_TRUE(Alive(pid));
  }
  EXPECT_FALSE(Alive(pid));
  EXPECT_TRUE(ProcessesWorkingIn(dir).empty());
  workspace.RemoveCreated();
}

// As root the server runs as `postgres`, which cannot enter a 0700 directory of root's:
// the server's files then go to a fresh directory under /tmp, removed like the others.
TEST(PgServerTest, ServerDirectoryIsReachableByTheServersUser) {
  SKIP_WITHOUT_SERVER();
  TempDir tmp;
  ASSERT_EQ(::chmod(tmp.path().c_str(), 0700), 0);
  auto user = PgServerUser();
  ASSERT_TRUE(user.ok()) << user.status().message();
  Workspace workspace;
  auto dir = MakePgServerDir(workspace, tmp.path(), *user);
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  if (user->switch_user) {
    EXPECT_EQ(dir->rfind("/tmp/shardlab-pg-", 0), 0u) << *dir;
    struct stat st;
    ASSERT_EQ(::stat(dir->c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, user->uid);
  } else {
    EXPECT_EQ(*dir, AbsolutePath(tmp.path()) + "/postgres");
  }
  workspace.RemoveCreated();
  EXPECT_FALSE(fs::exists(*dir));
}

}  // namespace
}  // namespace pg_server_test
}  // namespace shardlab
