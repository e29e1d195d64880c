#pragma once
// A throwaway PostgreSQL server for peer comparisons (walk.postgres, claim C14): found on
// this machine, initialised in a directory this run creates, listening only on
// 127.0.0.1 at a port free at start-up, and always stopped.
//
// The postmaster is this process's own child (fork + exec of `postgres`, not pg_ctl), so
// shardlab holds its pid: readiness is the "ready" status that `pg_ctl -w` reads from
// postmaster.pid, and Stop() sends SIGINT, the signal of `pg_ctl stop -m fast`, then
// waits for the postmaster to exit (it exits after all its children). The child also
// gets SIGINT if shardlab dies first (PR_SET_PDEATHSIG), so a killed run does not leave
// a server behind. initdb and postgres refuse to run as root: as root they run as the
// `postgres` system user that Debian's package creates. No libpq here (pg_client.h).
#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/workspace.h"

namespace shardlab {

// Where initdb and postgres are; `reason` says why not when bindir is empty.
struct PgBinaries {
  std::string bindir;
  std::string found_by;  // "SHARDLAB_PG_BINDIR", "pg_config --bindir" or "/usr/lib/postgresql/*/bin"
  std::string reason;
  bool found() const { return !bindir.empty(); }
};

// $SHARDLAB_PG_BINDIR when set (then only there), else `pg_config --bindir`, else the
// newest /usr/lib/postgresql/<version>/bin: the first holding executable initdb and postgres.
PgBinaries FindPgBinaries();

// The OS user the server runs as: this process's own, or (as root) `postgres`.
struct PgUser {
  bool switch_user = false;  // true: setgid/setgroups/setuid in the child before exec
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  std::string name;
};
// kRuntime with the reason when running as root and there is no `postgres` user.
StatusOr<PgUser> PgServerUser();

// A fresh directory for the server's files, owned by `user`: <parent>/postgres, or when
// `user` cannot reach `parent` (root running in a private directory such as a 0700
// pytest tmp dir) a fresh /tmp/shardlab-pg-XXXXXX. Recorded in `workspace`, which removes
// it with its contents.
StatusOr<std::string> MakePgServerDir(Workspace& workspace, const std::string& parent, const PgUser& user);

struct PgServerOptions {
  std::string bindir;
  std::string dir;  // from MakePgServerDir: data/, initdb.log and server.log go here
  PgUser user;
  std::vector<std::pair<std::string, std::string>> settings;  // postgres -c name=value
  double initdb_timeout_s = 120;
  double start_timeout_s = 60;
};

class PgServer {
 public:
  // initdb (superuser "shardlab", a random password, SCRAM on TCP; UTF8 and the C
  // locale so text compares bytewise like SQLite's BINARY), then the postmaster.
  static StatusOr<std::unique_ptr<PgServer>> Start(const PgServerOptions& options);
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;
  ~PgServer();  // stops the server if it still runs

  // Fast shutdown and wait; escalates to SIGQUIT (immediate) and SIGKILL if it hangs.
  // kRuntime if it had to escalate or a process still runs in the data directory.
  Status Stop();
  bool running() const { return pid_ > 0; }
  // SIGKILL of the postmaster and every process working in its directory, as a crash of
  // the server would (no shutdown checkpoint); kRuntime when one survives.
  Status Kill();
  // The postmaster again on the same data directory (crash recovery; prepared
  // transactions survive it), on a free loopback port: port() and ConnInfo() follow.
  Status Restart();
  int kills() const { return kills_; }

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  // A libpq connection string for database `dbname` as the superuser.
  std::string ConnInfo(const std::string& dbname = "postgres") const;
  double initdb_seconds() const { return initdb_s_; }
  double start_seconds() const { return start_s_; }
  double stop_seconds() const { return stop_s_; }

 private:
  PgServer() = default;
  Status Launch();
  PgServerOptions options_;
  int kills_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_, data_dir_, password_;
  double initdb_s_ = 0, start_s_ = 0, stop_s_ = 0;
};

// Processes whose working directory is `dir` or below it (a postmaster and its children
// work in their data directory): what must be empty once a server stopped.
std::vector<pid_t> ProcessesWorkingIn(const std::string& dir);

}  // namespace shardlab
