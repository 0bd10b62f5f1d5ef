#pragma once
// Class recipes: each builds one prototype (variant) of its class from motifs, making the
// variant decisions (which optional steps, which thread layout, how noisy) with the builder's
// random stream. What each class does follows what analysts report; see docs/simulator.md.
#include "sim/behaviour.h"

namespace malscope::sim {

/// A benign program of a random kind (GUI app, console tool, installer, browser, updater,
/// service, game, archiver, admin tool, document editor).
void build_normal(ProtoBuilder& b);
/// Ransomware: key set-up with Crypt* once, then file enumeration and encryption loops.
void build_ransomware(ProtoBuilder& b);
/// Coin miner: pool connection and many worker threads, or hidden in one thread, or injected.
void build_miner(ProtoBuilder& b);
/// DDoS trojan: bulk system/registry calls and many threads running one identical flood loop.
void build_ddos(ProtoBuilder& b);
/// Worm: copies itself and spreads from scanner threads that are prefixes of the longest one.
void build_worm(ProtoBuilder& b);
/// Infectious virus: a copy of benign `host` with a small infection routine (sometimes absent).
void build_virus(ProtoBuilder& b, const Prototype& host);
/// Backdoor: persistence and a command-and-control loop with remote shell and file transfer.
void build_backdoor(ProtoBuilder& b);
/// Trojan: downloader, stealer, injector, spy or fake application.
void build_trojan(ProtoBuilder& b);
/// A loader/dropper (unpack, evade, download or hollow, exit): the same loaders deliver several
/// classes, so their runs look alike whatever the label.
void build_loader(ProtoBuilder& b);

/// The evasion and start-up steps most malware shares, with per-class variant probabilities.
struct MalwareStart {
  double unpack = 0.5, anti_debug = 0.4, anti_vm = 0.2, anti_sleep = 0.3, mutex = 0.5;
};
/// Process start plus the evasion steps of `s` into a prologue.
void malware_start(ProtoBuilder& b, Routine& r, const MalwareStart& s);
/// Benign helper threads (thread pool, COM, RPC) shared by every class.
void benign_helper(ProtoBuilder& b);
/// Per-variant noise, size and failure-rate jitter.
void jitter(Prototype& p, Rng& rng, double size_factor, double early_exit);

}  // namespace malscope::sim
