#include "faults/bank.h"

#include <cstdio>
#include <set>

#include "workloads/rng.h"

namespace shardlab {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE accounts(id TEXT PRIMARY KEY, balance INTEGER NOT NULL) WITHOUT ROWID;"
    // Not WITHOUT ROWID: SQLite 3.40.1's integrity_check reports a false "NULL value in
    // txlog.delta" for a NOT NULL column that follows a WITHOUT ROWID table's key columns.
    "CREATE TABLE txlog(tx INTEGER NOT NULL, account TEXT NOT NULL, delta INTEGER NOT NULL, kind TEXT NOT NULL,"
    " PRIMARY KEY(tx, account, kind));"
    "CREATE TABLE saga(tx INTEGER PRIMARY KEY, state TEXT NOT NULL, from_account TEXT NOT NULL,"
    " to_shard INTEGER NOT NULL, to_account TEXT NOT NULL, amount INTEGER NOT NULL);";

// Statement-level helpers return SQLite's extended result code, as a client sees it.
int Exec(sqlite3* db, const std::string& sql) {
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? SQLITE_OK : sqlite3_extended_errcode(db);
}

int Step(sqlite3* db, sqlite3_stmt* stmt) {
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return SQLITE_OK;
  return sqlite3_extended_errcode(db);
}

int Prepare(sqlite3* db, const std::string& sql, Stmt* out) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return sqlite3_extended_errcode(db);
  *out = Stmt(stmt);
  return SQLITE_OK;
}

// One side of a transfer: the balance change and its txlog row, in `schema`.
int ApplySide(sqlite3* db, const std::string& schema, const std::string& account, int64_t tx, int64_t delta,
              const char* kind) {
  Stmt update, insert;
  if (int rc = Prepare(db, "UPDATE " + schema + ".accounts SET balance = balance + ?1 WHERE id = ?2", &update)) return rc;
  update.BindInt(1, delta);
  update.BindText(2, account);
  if (int rc = Step(db, update.get())) return rc;
  if (int rc = Prepare(db, "INSERT INTO " + schema + ".txlog(tx, account, delta, kind) VALUES(?1, ?2, ?3, ?4)", &insert)) {
    return rc;
  }
  insert.BindInt(1, tx);
  insert.BindText(2, account);
  insert.BindInt(3, delta);
  insert.BindText(4, kind);
  return Step(db, insert.get());
}

// BEGIN, body, COMMIT; on failure the transaction is rolled back if SQLite left it open.
template <typename Body>
int InTransaction(sqlite3* db, Body body) {
  if (int rc = Exec(db, "BEGIN")) return rc;
  int rc = body();
  if (rc == SQLITE_OK) rc = Exec(db, "COMMIT");
  if (rc != SQLITE_OK && !sqlite3_get_autocommit(db)) Exec(db, "ROLLBACK");
  return rc;
}

Status Configure(Db& db, const std::string& schema, const std::string& journal_mode, const std::string& synchronous) {
  SHARDLAB_ASSIGN_OR_RETURN(std::string mode, db.QueryText("PRAGMA " + schema + ".journal_mode=" + journal_mode));
  if (mode != journal_mode) {
    return Status::Runtime("journal_mode " + journal_mode + " did not take on " + schema + " (SQLite says " + mode + ")");
  }
  SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA " + schema + ".synchronous=" + synchronous));
  // Read once, so that opening files and loading the schema happen before the transaction.
  return db.QueryInt("SELECT count(*) FROM " + schema + ".accounts").status();
}

class NaiveRunner : public TransferRunner {
 public:
  std::vector<Db> conns;
  int Run(const Transfer& t) override {
    sqlite3* from = conns[t.from_shard].get();
    sqlite3* to = conns[t.to_shard].get();
    if (int rc = InTransaction(from, [&] { return ApplySide(from, "main", t.from, t.id, -t.amount, "apply"); })) return rc;
    return InTransaction(to, [&] { return ApplySide(to, "main", t.to, t.id, t.amount, "apply"); });
  }
};

class AttachRunner : public TransferRunner {
 public:
  Db db;
  static std::string Schema(uint32_t shard) { return shard == 0 ? "main" : "s" + std::to_string(shard); }
  int Run(const Transfer& t) override {
    sqlite3* d = db.get();
    return InTransaction(d, [&] {
      if (int rc = ApplySide(d, Schema(t.from_shard), t.from, t.id, -t.amount, "apply")) return rc;
      return ApplySide(d, Schema(t.to_shard), t.to, t.id, t.amount, "apply");
    });
  }
};

class SagaRunner : public TransferRunner {
 public:
  std::vector<Db> conns;
  int Run(const Transfer& t) override {
    sqlite3* from = conns[t.from_shard].get();
    sqlite3* to = conns[t.to_shard].get();
    // 1. debit and the intent, durably, on the source.
    int rc = InTransaction(from, [&] {
      if (int r = ApplySide(from, "main", t.from, t.id, -t.amount, "apply")) return r;
      Stmt intent;
      if (int r = Prepare(from, "INSERT INTO saga VALUES(?1, 'pending', ?2, ?3, ?4, ?5)", &intent)) return r;
      intent.BindInt(1, t.id);
      intent.BindText(2, t.from);
      intent.BindInt(3, t.to_shard);
      intent.BindText(4, t.to);
      intent.BindInt(5, t.amount);
      return Step(from, intent.get());
    });
    if (rc != SQLITE_OK) return rc;
    // 2. credit on the destination.
    rc = InTransaction(to, [&] { return ApplySide(to, "main", t.to, t.id, t.amount, "apply"); });
    if (rc != SQLITE_OK) return rc;
    // 3. the intent is done.
    return InTransaction(from, [&] { return Exec(from, "UPDATE saga SET state = 'done' WHERE tx = " + std::to_string(t.id)); });
  }
};

}  // namespace

StatusOr<Bank> Bank::Make(const BankSpec& spec) {
  if (spec.files.size() != spec.shards) {
    return Status::Invalid("the bank names " + std::to_string(spec.files.size()) + " shard files for " +
                           std::to_string(spec.shards) + " shards");
  }
  std::set<std::string> names;
  for (const std::string& name : spec.files) {
    if (name.empty() || name.find('/') != std::string::npos || !names.insert(name).second) {
      return Status::Invalid("shard file name \"" + name + "\": expected distinct names within one directory");
    }
  }
  SHARDLAB_ASSIGN_OR_RETURN(KeySpace keys, KeySpace::Make(spec.keys));
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<Router> router, MakeRouter(spec.router, spec.shards));
  Bank bank(spec);
  KeyRef ref;
  std::set<uint32_t> used;
  std::vector<std::vector<uint64_t>> by_shard(spec.shards);
  for (uint64_t i = 0; i < spec.accounts; ++i) {
    const uint32_t shard = keys.ShardOf(i, *router, ref);
    bank.accounts_.emplace_back(ref.text, shard);
    used.insert(shard);
  }
  if (used.size() < 2) {
    return Status::Invalid("the router puts all " + std::to_string(spec.accounts) +
                           " accounts on one shard; transfers need accounts on at least two shards");
  }
  Rng rng(DeriveSeed(spec.seed, "transfers"));
  for (uint32_t n = 1; n <= spec.transfers; ++n) {
    Transfer t;
    t.id = n;
    const auto& from = bank.accounts_[rng.Below(spec.accounts)];
    const std::pair<std::string, uint32_t>* to = nullptr;
    do {
      to = &bank.accounts_[rng.Below(spec.accounts)];
    } while (to->second == from.second);
    t.from = from.first;
    t.from_shard = from.second;
    t.to = to->first;
    t.to_shard = to->second;
    t.amount = 1 + static_cast<int64_t>(rng.Below(100));
    bank.transfers_.push_back(std::move(t));
  }
  return bank;
}

Status Bank::CreateShards(const std::string& dir, const std::string& journal_mode) const {
  for (uint32_t s = 0; s < spec_.shards; ++s) {
    SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(dir + "/" + ShardFile(s)));
    SHARDLAB_RETURN_IF_ERROR(db.Exec(journal_mode == "wal" ? "PRAGMA journal_mode=wal" : "PRAGMA journal_mode=delete"));
    SHARDLAB_RETURN_IF_ERROR(db.Exec(std::string("BEGIN;") + kSchema));
    SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO accounts VALUES(?1, ?2)"));
    for (const auto& [name, shard] : accounts_) {
      if (shard != s) continue;
      insert.BindText(1, name);
      insert.BindInt(2, spec_.initial_balance);
      if (insert.Step() != SQLITE_DONE) return db.Error("insert account");
      insert.Reset();
    }
    SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return Status::Ok();
}

const std::vector<std::string>& TransferStrategies() {
  static const std::vector<std::string> kStrategies = {"naive", "attach", "saga"};
  return kStrategies;
}

StatusOr<std::unique_ptr<TransferRunner>> TransferRunner::Open(const std::string& strategy, const std::string& dir,
                                                               const Bank& bank, const std::string& journal_mode,
                                                               const std::string& synchronous, const char* vfs) {
  const uint32_t shards = bank.spec().shards;
  auto path = [&](uint32_t s) { return dir + "/" + bank.ShardFile(s); };
  if (strategy == "attach") {
    auto runner = std::make_unique<AttachRunner>();
    SHARDLAB_ASSIGN_OR_RETURN(runner->db, Db::Open(path(0), SQLITE_OPEN_READWRITE, vfs));
    for (uint32_t s = 1; s < shards; ++s) {
      // Attached files use the main connection's VFS (the shim, in a trial).
      SHARDLAB_RETURN_IF_ERROR(runner->db.Exec("ATTACH '" + path(s) + "' AS " + AttachRunner::Schema(s)));
    }
    for (uint32_t s = 0; s < shards; ++s) {
      SHARDLAB_RETURN_IF_ERROR(Configure(runner->db, AttachRunner::Schema(s), journal_mode, synchronous));
    }
    return std::unique_ptr<TransferRunner>(std::move(runner));
  }
  std::vector<Db> conns;
  for (uint32_t s = 0; s < shards; ++s) {
    SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(path(s), SQLITE_OPEN_READWRITE, vfs));
    SHARDLAB_RETURN_IF_ERROR(Configure(db, "main", journal_mode, synchronous));
    conns.push_back(std::move(db));
  }
  if (strategy == "naive") {
    auto runner = std::make_unique<NaiveRunner>();
    runner->conns = std::move(conns);
    return std::unique_ptr<TransferRunner>(std::move(runner));
  }
  if (strategy == "saga") {
    auto runner = std::make_unique<SagaRunner>();
    runner->conns = std::move(conns);
    return std::unique_ptr<TransferRunner>(std::move(runner));
  }
  return Status::Invalid("unknown strategy " + strategy);
}

StatusOr<SagaRecovery> RecoverSagas(const std::vector<std::string>& shard_paths, const char* vfs) {
  SagaRecovery out;
  for (size_t s = 0; s < shard_paths.size(); ++s) {
    SHARDLAB_ASSIGN_OR_RETURN(Db source, Db::Open(shard_paths[s], SQLITE_OPEN_READWRITE, vfs));
    SHARDLAB_ASSIGN_OR_RETURN(Stmt pending,
                              source.Prepare("SELECT tx, from_account, to_shard, to_account, amount FROM saga "
                                             "WHERE state = 'pending' ORDER BY tx"));
    struct Intent {
      int64_t tx, to_shard, amount;
      std::string from, to;
    };
    std::vector<Intent> intents;
    while (pending.Step() == SQLITE_ROW) {
      intents.push_back({pending.ColumnInt(0), pending.ColumnInt(2), pending.ColumnInt(4), std::string(pending.ColumnText(1)),
                         std::string(pending.ColumnText(3))});
    }
    pending = Stmt();
    for (const Intent& in : intents) {
      if (in.to_shard < 0 || static_cast<size_t>(in.to_shard) >= shard_paths.size()) {
        return Status::Runtime("saga intent " + std::to_string(in.tx) + " names shard " + std::to_string(in.to_shard));
      }
      bool credited = false;
      {
        SHARDLAB_ASSIGN_OR_RETURN(Db dest, Db::Open(shard_paths[in.to_shard], SQLITE_OPEN_READWRITE, vfs));
        SHARDLAB_ASSIGN_OR_RETURN(Stmt q, dest.Prepare("SELECT 1 FROM txlog WHERE tx = ?1 AND account = ?2 AND kind = 'apply'"));
        q.BindInt(1, in.tx);
        q.BindText(2, in.to);
        credited = q.Step() == SQLITE_ROW;
      }
      const std::string tx = std::to_string(in.tx);
      int rc;
      if (credited) {
        rc = InTransaction(source.get(), [&] { return Exec(source.get(), "UPDATE saga SET state = 'done' WHERE tx = " + tx); });
        ++out.rolled_forward;
      } else {
        rc = InTransaction(source.get(), [&] {
          if (int r = ApplySide(source.get(), "main", in.from, in.tx, in.amount, "compensate")) return r;
          return Exec(source.get(), "UPDATE saga SET state = 'compensated' WHERE tx = " + tx);
        });
        ++out.compensated;
      }
      if (rc != SQLITE_OK) return Status::Runtime("saga recovery of transfer " + tx + " failed: " + sqlite3_errstr(rc));
    }
  }
  return out;
}

}  // namespace shardlab
