#pragma once
// The workload of crash trials: M accounts spread over N shard files by the router, each
// starting with the same balance; each transfer moves an amount between two accounts on
// different shards and records its id on both sides (table txlog), so a checker can tell
// per transfer which sides a recovered state holds.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "sqlite/sqlite_db.h"
#include "workloads/key_space.h"
#include "workloads/router.h"

namespace shardlab {

struct BankSpec {
  uint32_t shards = 2;
  uint64_t accounts = 64;
  int64_t initial_balance = 1000;
  KeySpec keys;         // account names and their hash
  RouterSpec router;    // which shard holds which account
  // Each shard's file name within a trial directory, one per shard: the crash kind names
  // them with the one shard naming function (shards/layout.h), which faults/ (a layer
  // beside shards/) does not see. Names, not paths: a trial is one directory.
  std::vector<std::string> files;
  uint32_t transfers = 1;
  uint64_t seed = 1;
};

struct Transfer {
  int64_t id = 0;  // 1-based
  std::string from, to;
  uint32_t from_shard = 0, to_shard = 0;
  int64_t amount = 0;
};

class Bank {
 public:
  // kInvalidInput when the router leaves fewer than two shards with accounts.
  // kInvalidInput too unless `files` names every shard once, without a '/'.
  static StatusOr<Bank> Make(const BankSpec& spec);

  const BankSpec& spec() const { return spec_; }
  const std::vector<Transfer>& transfers() const { return transfers_; }
  // Accounts (name, shard), in item order.
  const std::vector<std::pair<std::string, uint32_t>>& accounts() const { return accounts_; }
  int64_t total_balance() const { return static_cast<int64_t>(accounts_.size()) * spec_.initial_balance; }

  // spec().files[shard]; a reading of a shard the bank does not have is named by its number.
  std::string ShardFile(uint32_t shard) const {
    return shard < spec_.files.size() ? spec_.files[shard] : "shard " + std::to_string(shard) + " (not in the bank)";
  }
  // Creates the shard files in `dir` (which exists): schema, accounts, journal mode (WAL is
  // persistent in the file; the rollback modes are set per connection).
  Status CreateShards(const std::string& dir, const std::string& journal_mode) const;

 private:
  explicit Bank(BankSpec spec) : spec_(std::move(spec)) {}
  BankSpec spec_;
  std::vector<std::pair<std::string, uint32_t>> accounts_;
  std::vector<Transfer> transfers_;
};

// Runs transfers with one of the strategies, on connections opened through `vfs`:
//  naive  - one connection per shard, one commit per shard (debit, then credit);
//  attach - one connection to shard 0 with the others ATTACHed, one transaction;
//  saga   - local commits in order: debit plus a durable intent record (table saga) on the
//           source, credit on the destination, then the intent marked done; recovery
//           (RecoverSagas) finishes or compensates what a crash left pending.
class TransferRunner {
 public:
  static StatusOr<std::unique_ptr<TransferRunner>> Open(const std::string& strategy, const std::string& dir,
                                                        const Bank& bank, const std::string& journal_mode,
                                                        const std::string& synchronous, const char* vfs);
  virtual ~TransferRunner() = default;
  // Runs one transfer; returns the extended result code that decides it: SQLITE_OK when
  // the transfer is acknowledged, else the first failing statement's (usually COMMIT's).
  virtual int Run(const Transfer& t) = 0;
};

const std::vector<std::string>& TransferStrategies();  // naive, attach, saga

// Saga recovery on shards opened one at a time (never attached): a pending intent whose
// credit reached the destination is marked done; otherwise the debit is compensated
// (balance restored, a compensate row in txlog) and the intent marked compensated.
struct SagaRecovery {
  int64_t rolled_forward = 0;
  int64_t compensated = 0;
};
StatusOr<SagaRecovery> RecoverSagas(const std::vector<std::string>& shard_paths, const char* vfs = nullptr);

}  // namespace shardlab
