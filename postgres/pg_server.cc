#include "postgres/pg_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/child_process.h"
#include "core/elapsed.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool HoldsServer(const std::string& dir) {
  return !dir.empty() && IsExecutableFile(dir + "/initdb") && IsExecutableFile(dir + "/postgres");
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

// `pg_config --bindir` ("" when pg_config is missing or fails). On Debian libpq-dev's
// pg_config names the server's directory even when the server is not installed.
std::string PgConfigBindir() {
  auto child = ForkWithPipe([](int fd) {
    ::dup2(fd, STDOUT_FILENO);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, STDERR_FILENO);
    ::execlp("pg_config", "pg_config", "--bindir", static_cast<char*>(nullptr));
    _exit(127);
  });
  if (!child.ok()) return "";
  bool timed_out = false;
  std::string out = ReadUntilEof(child->read_fd, 10, &timed_out);
  ::close(child->read_fd);
  if (timed_out) ::kill(child->pid, SIGKILL);
  const int status = WaitForChild(child->pid);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? Trim(out) : "";
}

// The /usr/lib/postgresql/<version>/bin directories, newest version first.
std::vector<std::string> DebianBindirs() {
  std::vector<std::string> dirs;
  glob_t g{};
  if (::glob("/usr/lib/postgresql/*/bin", 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) dirs.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  auto version = [](const std::string& d) { return std::atof(d.c_str() + std::strlen("/usr/lib/postgresql/")); };
  std::sort(dirs.begin(), dirs.end(), [&](const auto& a, const auto& b) { return version(a) > version(b); });
  return dirs;
}

// What the child does between fork and exec: only async-signal-safe calls.
[[noreturn]] void ChildFail(const char* message) {
  const char* prefix = "shardlab: ";
  (void)!::write(STDERR_FILENO, prefix, std::strlen(prefix));
  (void)!::write(STDERR_FILENO, message, std::strlen(message));
  (void)!::write(STDERR_FILENO, "\n", 1);
  _exit(126);
}

// In a forked child: becomes `user` (groups first, the uid last). False on failure.
bool SwitchTo(const PgUser& user) {
  return !user.switch_user ||
         (::setgroups(user.groups.size(), user.groups.data()) == 0 && ::setgid(user.gid) == 0 && ::setuid(user.uid) == 0);
}

// Runs `args` as `user` in `cwd`, stdin from /dev/null and stdout/stderr appended to
// `log_path`. No other descriptor of this process (shard files, sockets) reaches it, and
// none of its environment either (PG*, LD_PRELOAD of a fault-injection run): only PATH
// and LC_ALL=C, which also keeps the server's messages in English for LogTail's readers.
StatusOr<pid_t> Spawn(const std::vector<std::string>& args, const std::string& log_path, const PgUser& user,
                      const std::string& cwd) {
  static const char* const kEnv[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", nullptr};
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return Status::Runtime("cannot open " + log_path + ": " + std::strerror(errno));
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(log);
    ::close(null);
    return Status::Runtime(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(null, STDIN_FILENO);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::close_range(3, ~0U, 0);
    if (!SwitchTo(user)) ChildFail("cannot switch to the server's user");
    // After the user switch (which clears it): SIGINT, a fast shutdown, if shardlab dies.
    ::prctl(PR_SET_PDEATHSIG, SIGINT);
    if (::getppid() != parent) _exit(1);
    if (::chdir(cwd.c_str()) != 0) ChildFail("cannot enter the server directory as the server's user");
    ::execve(argv[0], argv.data(), const_cast<char* const*>(kEnv));
    ChildFail("exec failed");
  }
  ::close(log);
  ::close(null);
  return pid;
}

// Waits up to `timeout_s` for `pid` to exit; true (and its status) when it did.
bool WaitExit(pid_t pid, double timeout_s, int* status) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    const pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// The last lines of a log, for error messages.
std::string LogTail(const std::string& path, size_t lines = 12) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "\n    " + all[i];
  return out.empty() ? " (empty)" : out;
}

StatusOr<std::string> RandomPassword() {
  unsigned char bytes[16];
  if (::getrandom(bytes, sizeof(bytes), 0) != static_cast<ssize_t>(sizeof(bytes))) {
    return Status::Runtime(std::string("getrandom: ") + std::strerror(errno));
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// A TCP port on 127.0.0.1 that is free now (the kernel's pick). Another process can take
// it before the postmaster binds it: Start() then tries again with a new one.
StatusOr<int> FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Runtime(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  const int e = errno;
  ::close(fd);
  if (port <= 0) return Status::Runtime(std::string("no free port on 127.0.0.1: ") + std::strerror(e));
  return port;
}

// True when `user` can search `path` (and every directory above it).
bool CanReach(const PgUser& user, const std::string& path) {
  if (!user.switch_user) return ::access(path.c_str(), X_OK) == 0;
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) _exit(SwitchTo(user) && ::access(path.c_str(), X_OK) == 0 ? 0 : 1);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The postmaster's pid file says "ready" (line 8) once it accepts connections.
bool PidFileSaysReady(const std::string& data_dir, pid_t pid) {
  std::ifstream in(data_dir + "/postmaster.pid");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines.size() >= 8 && std::atol(lines[0].c_str()) == pid && Trim(lines[7]) == "ready";
}

}  // namespace

PgBinaries FindPgBinaries() {
  PgBinaries b;
  if (const char* env = std::getenv("SHARDLAB_PG_BINDIR"); env != nullptr && *env != '\0') {
    if (HoldsServer(env)) {
      b.bindir = env;
      b.found_by = "SHARDLAB_PG_BINDIR";
    } else {
      b.reason = std::string("SHARDLAB_PG_BINDIR=") + env + " holds no executable initdb and postgres";
    }
    return b;
  }
  const std::string from_pg_config = PgConfigBindir();
  if (HoldsServer(from_pg_config)) {
    b.bindir = from_pg_config;
    b.found_by = "pg_config --bindir";
    return b;
  }
  for (const std::string& dir : DebianBindirs()) {
    if (HoldsServer(dir)) {
      b.bindir = dir;
      b.found_by = "/usr/lib/postgresql/*/bin";
      return b;
    }
  }
  b.reason = "no PostgreSQL server binaries (initdb and postgres) in " +
             (from_pg_config.empty() ? std::string("pg_config --bindir (no pg_config)") : "pg_config --bindir (" + from_pg_config + ")") +
             " or /usr/lib/postgresql/*/bin; install Debian's postgresql package or set SHARDLAB_PG_BINDIR";
  return b;
}

StatusOr<PgUser> PgServerUser() {
  PgUser u;
  u.uid = ::getuid();
  u.gid = ::getgid();
  if (::geteuid() != 0) {
    const passwd* pw = ::getpwuid(u.uid);
    u.name = pw != nullptr ? pw->pw_name : "uid " + std::to_string(u.uid);
    return u;
  }
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) {
    return Status::Runtime("running as root, and there is no 'postgres' user to run the server as "
                           "(initdb and postgres refuse to run as root)");
  }
  u.switch_user = true;
  u.uid = pw->pw_uid;
  u.gid = pw->pw_gid;
  u.name = pw->pw_name;
  int n = 64;
  u.groups.resize(static_cast<size_t>(n));
  if (::getgrouplist(pw->pw_name, pw->pw_gid, u.groups.data(), &n) < 0) {
    u.groups.resize(static_cast<size_t>(n));
    ::getgrouplist(pw->pw_name, pw->pw_gid, u.groups.data(), &n);
  }
  u.groups.resize(static_cast<size_t>(n));
  return u;
}

StatusOr<std::string> MakePgServerDir(Workspace& workspace, const std::string& parent, const PgUser& user) {
  std::string dir;
  if (CanReach(user, parent)) {
    dir = AbsolutePath(parent) + "/postgres";
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewTree(dir));
  } else {
    SHARDLAB_ASSIGN_OR_RETURN(dir, workspace.MakeTempTree("/tmp/shardlab-pg-XXXXXX"));
    dir = AbsolutePath(dir);
  }
  if (user.switch_user && ::chown(dir.c_str(), user.uid, user.gid) != 0) {
    return Status::Runtime("chown " + dir + " to " + user.name + ": " + std::strerror(errno));
  }
  if (!CanReach(user, dir)) {
    return Status::Runtime("the server's user " + user.name + " cannot reach " + dir +
                           " (it needs search permission on every directory above it)");
  }
  return dir;
}

StatusOr<std::unique_ptr<PgServer>> PgServer::Start(const PgServerOptions& o) {
  std::unique_ptr<PgServer> server(new PgServer());
  server->dir_ = o.dir;
  server->data_dir_ = o.dir + "/data";
  SHARDLAB_ASSIGN_OR_RETURN(server->password_, RandomPassword());

  // initdb reads the superuser's password from a file only the server's user can read.
  const std::string pwfile = o.dir + "/pwfile";
  {
    const int fd = ::open(pwfile.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Status::Runtime("cannot create " + pwfile + ": " + std::strerror(errno));
    const bool written = WriteAll(fd, server->password_ + "\n") &&
                         (!o.user.switch_user || ::fchown(fd, o.user.uid, o.user.gid) == 0);
    ::close(fd);
    if (!written) return Status::Runtime("cannot write " + pwfile + ": " + std::strerror(errno));
  }
  const auto t_init = Clock::now();
  const std::string initdb_log = o.dir + "/initdb.log";
  SHARDLAB_ASSIGN_OR_RETURN(
      pid_t initdb,
      Spawn({o.bindir + "/initdb", "-D", server->data_dir_, "-U", "shardlab", "--pwfile=" + pwfile,
             "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"},
            initdb_log, o.user, o.dir));
  int status = 0;
  if (!WaitExit(initdb, o.initdb_timeout_s, &status)) {
    ::kill(initdb, SIGKILL);
    ::waitpid(initdb, &status, 0);
    ::unlink(pwfile.c_str());
    return Status::Runtime("initdb did not finish within " + std::to_string(static_cast<int>(o.initdb_timeout_s)) +
                           " s; " + initdb_log + ":" + LogTail(initdb_log));
  }
  ::unlink(pwfile.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Runtime("initdb (as " + o.user.name + ") failed with " + DescribeExit(status) + "; " + initdb_log +
                           ":" + LogTail(initdb_log));
  }
  server->initdb_s_ = SecondsSince(t_init);

  server->options_ = o;
  SHARDLAB_RETURN_IF_ERROR(server->Launch());
  return server;
}

// Starts the postmaster on the initialised data directory, on a free loopback port
// (another when the port was taken meanwhile), and waits until it is ready.
Status PgServer::Launch() {
  const PgServerOptions& o = options_;
  int status = 0;
  const std::string log = o.dir + "/server.log";
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    SHARDLAB_ASSIGN_OR_RETURN(int port, FreeLoopbackPort());
    std::vector<std::string> args = {o.bindir + "/postgres",
                                     "-D", data_dir_,
                                     "-c", "listen_addresses=127.0.0.1",
                                     "-c", "port=" + std::to_string(port),
                                     "-c", "unix_socket_directories="};
    for (const auto& [name, value] : o.settings) {
      args.push_back("-c");
      args.push_back(name + "=" + value);
    }
    const auto t_start = Clock::now();
    SHARDLAB_ASSIGN_OR_RETURN(pid_, Spawn(args, log, o.user, o.dir));
    port_ = port;
    const auto deadline = t_start + std::chrono::duration<double>(o.start_timeout_s);
    bool exited = false;
    while (!PidFileSaysReady(data_dir_, pid_)) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited = true;
        pid_ = -1;
        break;
      }
      if (Clock::now() >= deadline) {
        // The destructor stops it.
        return Status::Runtime("the PostgreSQL server was not ready within " +
                               std::to_string(static_cast<int>(o.start_timeout_s)) + " s; " + log + ":" + LogTail(log));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exited) {
      start_s_ = SecondsSince(t_start);
      return Status::Ok();
    }
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const bool port_taken = text.find("could not bind") != std::string::npos;
    if (!port_taken || attempt == kAttempts) {
      return Status::Runtime("the PostgreSQL server exited with " + DescribeExit(status) + " before it was ready; " +
                             log + ":" + LogTail(log));
    }
  }
}

PgServer::~PgServer() {
  if (pid_ <= 0) return;
  if (Status st = Stop(); !st.ok()) std::fprintf(stderr, "shardlab: %s\n", st.message().c_str());
}

Status PgServer::Kill() {
  if (pid_ <= 0) return Status::Runtime("the PostgreSQL server in " + data_dir_ + " is not running");
  // A crash of the whole server: the postmaster and every backend at once, no shutdown.
  ::kill(pid_, SIGKILL);
  for (pid_t p : ProcessesWorkingIn(dir_)) ::kill(p, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  std::vector<pid_t> left = ProcessesWorkingIn(dir_);
  for (int i = 0; i < 500 && !left.empty(); ++i) {
    for (pid_t p : left) ::kill(p, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    left = ProcessesWorkingIn(dir_);
  }
  if (!left.empty()) return Status::Runtime("processes still work in " + dir_ + " after SIGKILL of its PostgreSQL server");
  ++kills_;
  return Status::Ok();
}

Status PgServer::Restart() {
  if (pid_ > 0) return Status::Runtime("the PostgreSQL server in " + data_dir_ + " still runs");
  // postmaster.pid of the killed server stays behind; postgres checks that its pid is gone.
  return Launch();
}

Status PgServer::Stop() {
  if (pid_ <= 0) return Status::Ok();
  const auto t0 = Clock::now();
  int status = 0;
  std::string escalated;
  ::kill(pid_, SIGINT);  // fast shutdown: ends sessions, checkpoints, exits after its children
  if (!WaitExit(pid_, 60, &status)) {
    escalated = "SIGQUIT";  // immediate shutdown
    ::kill(pid_, SIGQUIT);
    if (!WaitExit(pid_, 10, &status)) {
      escalated = "SIGKILL";
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }
  pid_ = -1;
  // Children of a killed postmaster notice its death and exit on their own: give them a moment.
  std::vector<pid_t> left = ProcessesWorkingIn(dir_);
  for (int i = 0; i < 500 && !left.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    left = ProcessesWorkingIn(dir_);
  }
  stop_s_ = SecondsSince(t0);
  if (!escalated.empty()) {
    return Status::Runtime("the PostgreSQL server in " + data_dir_ + " did not stop within 60 s of SIGINT (fast shutdown); sent " +
                           escalated);
  }
  if (!left.empty()) {
    std::string pids;
    for (pid_t p : left) pids += (pids.empty() ? "" : ", ") + std::to_string(p);
    return Status::Runtime("processes still work in " + dir_ + " after the PostgreSQL server stopped: " + pids);
  }
  return Status::Ok();
}

std::string PgServer::ConnInfo(const std::string& dbname) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + dbname + " user=shardlab password=" + password_ +
         " sslmode=disable gssencmode=disable connect_timeout=10 application_name=shardlab";
}

std::vector<pid_t> ProcessesWorkingIn(const std::string& dir) {
  std::vector<pid_t> pids;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return pids;
  while (dirent* e = ::readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char cwd[4096];
    const std::string link = std::string("/proc/") + e->d_name + "/cwd";
    const ssize_t n = ::readlink(link.c_str(), cwd, sizeof(cwd) - 1);
    if (n <= 0) continue;
    const std::string path(cwd, static_cast<size_t>(n));
    if (path == dir || path.rfind(dir + "/", 0) == 0) pids.push_back(static_cast<pid_t>(std::atol(e->d_name)));
  }
  ::closedir(proc);
  return pids;
}

}  // namespace shardlab
