#include "faults/checker.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/json.h"

namespace shardlab {

std::vector<ShardReading> ReadShards(const std::vector<std::string>& paths, const char* vfs) {
  std::vector<ShardReading> out(paths.size());
  for (size_t s = 0; s < paths.size(); ++s) {
    ShardReading& r = out[s];
    auto db = Db::Open(paths[s], SQLITE_OPEN_READWRITE, vfs);
    if (!db.ok()) {
      r.integrity = db.status().message();
      continue;
    }
    auto integrity = db->QueryText("PRAGMA integrity_check");
    if (!integrity.ok()) {
      r.integrity = integrity.status().message();
      continue;
    }
    r.integrity = *integrity;
    auto balances = db->Prepare("SELECT id, balance FROM accounts");
    auto log = db->Prepare("SELECT tx, account, delta, kind FROM txlog");
    if (!balances.ok() || !log.ok()) {
      r.integrity = (!balances.ok() ? balances.status() : log.status()).message();
      continue;
    }
    int rc;
    while ((rc = balances->Step()) == SQLITE_ROW) r.balances[std::string(balances->ColumnText(0))] = balances->ColumnInt(1);
    if (rc != SQLITE_DONE) {
      r.integrity = db->Error("read accounts").message();
      continue;
    }
    while ((rc = log->Step()) == SQLITE_ROW) {
      r.txlog.push_back({log->ColumnInt(0), std::string(log->ColumnText(1)), log->ColumnInt(2), std::string(log->ColumnText(3))});
    }
    if (rc != SQLITE_DONE) {
      r.integrity = db->Error("read txlog").message();
      continue;
    }
    r.opened = true;
  }
  return out;
}

bool SameReadings(const std::vector<ShardReading>& a, const std::vector<ShardReading>& b) {
  if (a.size() != b.size()) return false;
  auto sorted_log = [](const ShardReading& r) {
    std::vector<std::tuple<int64_t, std::string, int64_t, std::string>> rows;
    for (const auto& row : r.txlog) rows.emplace_back(row.tx, row.account, row.delta, row.kind);
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  for (size_t s = 0; s < a.size(); ++s) {
    if (a[s].opened != b[s].opened || a[s].integrity != b[s].integrity || a[s].balances != b[s].balances ||
        sorted_log(a[s]) != sorted_log(b[s])) {
      return false;
    }
  }
  return true;
}

Json ReadingsToJson(const std::vector<ShardReading>& readings) {
  Json out = Json::array();
  for (const ShardReading& r : readings) {
    Json log = Json::array();
    for (const auto& row : r.txlog) log.push_back({row.tx, row.account, row.delta, row.kind});
    out.push_back({{"opened", r.opened}, {"integrity", r.integrity}, {"balances", r.balances}, {"txlog", log}});
  }
  return out;
}

std::vector<ShardReading> ReadingsFromJson(const Json& j) {
  std::vector<ShardReading> out;
  for (const Json& s : j) {
    ShardReading r;
    r.opened = s.at("opened").get<bool>();
    r.integrity = s.at("integrity").get<std::string>();
    r.balances = s.at("balances").get<std::map<std::string, int64_t>>();
    for (const Json& row : s.at("txlog")) {
      r.txlog.push_back({row[0].get<int64_t>(), row[1].get<std::string>(), row[2].get<int64_t>(), row[3].get<std::string>()});
    }
    out.push_back(std::move(r));
  }
  return out;
}

Verdict CheckTrial(const Bank& bank, const std::vector<TransferRecord>& log, const std::vector<ShardReading>& state) {
  Verdict v;
  for (size_t s = 0; s < state.size(); ++s) {
    if (!state[s].opened || state[s].integrity != "ok") {
      v.outcome = "corrupt";
      v.detail = bank.ShardFile(static_cast<uint32_t>(s)) + ": " + state[s].integrity;
      return v;
    }
  }
  auto mixed = [&](std::string why) {
    v.outcome = "mixed";
    v.detail = std::move(why);
    return v;
  };
  // Within each shard: every balance = initial + its log (SQLite's own, single-file atomicity).
  int64_t total = 0;
  std::map<int64_t, std::pair<int, int>> sides;  // transfer -> (source applied, destination applied) net
  for (size_t s = 0; s < state.size(); ++s) {
    std::map<std::string, int64_t> expected;
    for (const auto& [name, shard] : bank.accounts()) {
      if (shard == s) expected[name] = bank.spec().initial_balance;
    }
    for (const auto& row : state[s].txlog) {
      expected[row.account] += row.delta;
      const int sign = row.kind == "apply" ? 1 : -1;
      if (row.tx < 1 || static_cast<size_t>(row.tx) > bank.transfers().size()) {
        return mixed("a log row for transfer " + std::to_string(row.tx) + ", which was never planned");
      }
      const Transfer& t = bank.transfers()[row.tx - 1];
      (row.account == t.from ? sides[row.tx].first : sides[row.tx].second) += sign;
    }
    if (expected != state[s].balances) {
      return mixed(bank.ShardFile(static_cast<uint32_t>(s)) + ": balances disagree with the shard's own log");
    }
    for (const auto& [name, balance] : state[s].balances) total += balance;
  }
  if (total != bank.total_balance()) {
    return mixed("total balance " + std::to_string(total) + ", expected " + std::to_string(bank.total_balance()));
  }
  int64_t last_begun = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].begun) last_begun = static_cast<int64_t>(i) + 1;
  }
  for (const auto& [tx, applied] : sides) {
    if (applied.first != applied.second) {
      return mixed("transfer " + std::to_string(tx) + " applied on its " + (applied.first ? "source" : "destination") +
                   " shard only");
    }
    if (applied.first != 0 && tx > last_begun) {
      return mixed("transfer " + std::to_string(tx) + " applied but never begun");
    }
  }
  auto applied = [&](int64_t tx) {
    auto it = sides.find(tx);
    return it != sides.end() && it->second.first == 1;
  };
  for (size_t i = 0; i < log.size(); ++i) {
    const int64_t tx = static_cast<int64_t>(i) + 1;
    if (log[i].acked() && !applied(tx)) {
      v.outcome = "lost";
      v.detail = "transfer " + std::to_string(tx) + " was acknowledged (COMMIT returned SQLITE_OK) and is missing";
      return v;
    }
  }
  v.outcome = last_begun > 0 && applied(last_begun) ? "new" : "old";
  if (last_begun > 0) {
    const TransferRecord& r = log[last_begun - 1];
    v.after_failed_commit = r.answered && r.rc != 0;
    v.detail = "transfer " + std::to_string(last_begun) + (applied(last_begun) ? " applied" : " not applied") +
               (r.answered ? " (result code " + std::to_string(r.rc) + ")" : " (no answer: in flight)");
  }
  return v;
}

}  // namespace shardlab
