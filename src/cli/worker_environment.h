// Where a data-parallel worker stands, read from the environment: the torchrun convention
// (WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), as
// `nmt train --nproc`, torchrun or a cluster's job script set it, with SLURM's own variables
// for the machine-local ones where those are not set.
#pragma once

#include "train/collective.h"

namespace nmt::cli {

/// The worker's address from the environment, WORLD_SIZE being set. LOCAL_RANK falls back to
/// SLURM_LOCALID, then RANK; LOCAL_WORLD_SIZE to SLURM_NTASKS_PER_NODE, then 1.
/// TORCHELASTIC_USE_AGENT_STORE=True (torchrun) makes rank 0 a client of its agent's store. Throws
/// ConfigError naming the variable that is missing, malformed, or (MASTER_ADDR, "[IPv6]" too)
/// names a host that cannot be resolved.
WorkerAddress worker_address_from_environment();

/// Throws ConfigError when WORLD_SIZE is unset but other worker variables (RANK, LOCAL_RANK,
/// LOCAL_WORLD_SIZE, MASTER_PORT) are: a half-set launch would otherwise train alone, silently.
void refuse_half_set_worker_variables();

}  // namespace nmt::cli
