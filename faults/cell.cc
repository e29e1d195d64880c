#include "faults/cell.h"

namespace shardlab {

std::string CellName(const CellSpec& c) { return c.strategy + "/" + c.journal_mode + "/" + c.synchronous + "/" + c.fault; }

bool IsPowerLoss(const std::string& fault) { return fault.rfind("power_loss", 0) == 0; }

TrialSpec TrialSpecOf(const CellSpec& cell) {
  TrialSpec s;
  s.strategy = cell.strategy;
  s.journal_mode = cell.journal_mode;
  s.synchronous = cell.synchronous;
  s.fault = cell.fault == "power_loss_torn" ? "power_loss" : cell.fault;
  s.torn = cell.fault == "power_loss_torn";
  return s;
}

bool DurabilityPromised(const CellSpec& cell) {
  if (cell.journal_mode == "memory" || cell.journal_mode == "off") return false;
  if (!IsPowerLoss(cell.fault)) return true;
  if (cell.synchronous == "extra") return true;
  if (cell.synchronous == "off") return false;
  const bool full = cell.synchronous == "full";
  if (cell.journal_mode == "wal") return full;
  if (cell.strategy == "attach") return true;  // NORMAL or FULL: the super-journal's deletion syncs the directory
  if (cell.journal_mode == "persist") return true;
  if (cell.journal_mode == "truncate") return full;
  return false;  // delete: the journal's unlink is not synced below EXTRA
}

bool ExpectedUnsafe(const CellSpec& cell) {
  return cell.journal_mode == "memory" || cell.journal_mode == "off" || cell.synchronous == "off";
}

bool IsViolation(const CellSpec& cell, const std::string& outcome) {
  return outcome == "mixed" || outcome == "corrupt" || (outcome == "lost" && DurabilityPromised(cell));
}

}  // namespace shardlab
