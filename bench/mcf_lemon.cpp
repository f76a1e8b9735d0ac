// mcf_lemon: the speed limit.  Solves the sibling-free relaxation written
// by `pmbench flow` as a min-cost flow with LEMON's network simplex:
//
//   child (supply 1) -> placement   each compatible arc, cap 1, cost a(c,p)
//   child -> sink                   "unmatched", cost unmatched_week
//                                   (absent for a pinned child, so it must
//                                   take its one arc)
//   placement -> sink               cap = capacity
//   sink: demand = number of children
//
// Sibling splits, sibling-only restrictions and avoid pairs are dropped, so
// the optimum is a lower bound on the model's.  LEMON wants integer costs:
// they are rounded to pence for the search, and the objective is then
// recomputed from the flow with the exact costs.
//
//   mcf_lemon NETWORK [--repeat R] [--budget S]   prints one JSON object
//   (R runs, or fewer once S seconds are spent and 5 runs are done)
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using Graph = lemon::SmartDigraph;
using Simplex = lemon::NetworkSimplex<Graph, int, long long>;

namespace {

struct Network {
    int nchildren = 0, nplacements = 0, narcs = 0;
    double unmatched = 0;
    std::vector<int> capacity, pinned, arc_child, arc_place;
    std::vector<double> arc_cost;
};

bool read_network(const char *path, Network &net)
{
    FILE *f = std::fopen(path, "r");
    if (!f)
        return false;
    bool ok = std::fscanf(f, "%d %d %d %lf", &net.nchildren, &net.nplacements,
                          &net.narcs, &net.unmatched) == 4;
    net.capacity.resize(ok ? net.nplacements : 0);
    for (int p = 0; ok && p < net.nplacements; p++)
        ok = std::fscanf(f, "%d", &net.capacity[p]) == 1;
    net.pinned.resize(ok ? net.nchildren : 0);
    for (int c = 0; ok && c < net.nchildren; c++) {
        int k = 0;
        ok = std::fscanf(f, "%d %d", &net.pinned[c], &k) == 2;
        for (int i = 0; ok && i < k; i++) {
            int p = 0;
            double cost = 0;
            ok = std::fscanf(f, "%d %lf", &p, &cost) == 2 && p >= 0 &&
                 p < net.nplacements;
            net.arc_child.push_back(c);
            net.arc_place.push_back(p);
            net.arc_cost.push_back(cost);
        }
    }
    std::fclose(f);
    return ok && (int)net.arc_child.size() == net.narcs;
}

struct Flow {
    Graph g;
    Graph::ArcMap<int> cap{g};
    Graph::ArcMap<long long> cost{g};
    Graph::NodeMap<int> supply{g};
    std::vector<Graph::Arc> choice;    // one per compatible arc
    std::vector<Graph::Arc> unmatched; // one per child (INVALID if pinned)
};

long long pence(double pounds)
{
    return std::llround(pounds * 100.0);
}

void build(const Network &net, Flow &fl)
{
    std::vector<Graph::Node> child(net.nchildren), place(net.nplacements);
    Graph::Node sink = fl.g.addNode();
    for (auto &n : child)
        n = fl.g.addNode();
    for (auto &n : place)
        n = fl.g.addNode();
    for (int c = 0; c < net.nchildren; c++)
        fl.supply[child[c]] = 1;
    fl.supply[sink] = -net.nchildren;
    for (int p = 0; p < net.nplacements; p++) {
        fl.supply[place[p]] = 0;
        Graph::Arc a = fl.g.addArc(place[p], sink);
        fl.cap[a] = net.capacity[p];
        fl.cost[a] = 0;
    }
    for (int i = 0; i < net.narcs; i++) {
        Graph::Arc a = fl.g.addArc(child[net.arc_child[i]], place[net.arc_place[i]]);
        fl.cap[a] = 1;
        fl.cost[a] = pence(net.arc_cost[i]);
        fl.choice.push_back(a);
    }
    for (int c = 0; c < net.nchildren; c++) {
        Graph::Arc a = lemon::INVALID;
        if (!net.pinned[c]) {
            a = fl.g.addArc(child[c], sink);
            fl.cap[a] = 1;
            fl.cost[a] = pence(net.unmatched);
        }
        fl.unmatched.push_back(a);
    }
}

double seconds_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: mcf_lemon NETWORK [--repeat R] [--budget S]\n");
        return 2;
    }
    int repeat = 25;
    double budget = 1e9, spent = 0;
    for (int i = 2; i + 1 < argc; i++) {
        if (!std::strcmp(argv[i], "--repeat"))
            repeat = std::max(1, std::atoi(argv[i + 1]));
        if (!std::strcmp(argv[i], "--budget"))
            budget = std::atof(argv[i + 1]);
    }
    Network net;
    if (!read_network(argv[1], net)) {
        std::fprintf(stderr, "mcf_lemon: cannot read %s\n", argv[1]);
        return 1;
    }
    auto t0 = std::chrono::steady_clock::now();
    Flow fl;
    build(net, fl);
    double build_s = seconds_since(t0);

    std::vector<double> runs;
    Simplex::ProblemType type = Simplex::INFEASIBLE;
    double objective = NAN;
    int unmatched = 0;
    for (int r = 0; r < repeat && !(r >= 5 && spent > budget); r++) {
        t0 = std::chrono::steady_clock::now();
        Simplex ns(fl.g);
        ns.upperMap(fl.cap).costMap(fl.cost).supplyMap(fl.supply);
        type = ns.run();
        runs.push_back(seconds_since(t0));
        spent += runs.back();
        if (type != Simplex::OPTIMAL)
            break;
        objective = 0;
        unmatched = 0;
        for (int i = 0; i < net.narcs; i++)
            objective += ns.flow(fl.choice[i]) * net.arc_cost[i];
        for (const auto &a : fl.unmatched)
            if (a != lemon::INVALID && ns.flow(a)) {
                objective += net.unmatched;
                unmatched++;
            }
    }
    std::vector<double> sorted = runs;
    std::sort(sorted.begin(), sorted.end());
    size_t n = sorted.size();
    double med = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    std::printf("{\"status\": \"%s\", ", type == Simplex::OPTIMAL ? "optimal"
                                          : type == Simplex::INFEASIBLE ? "infeasible"
                                                                         : "unbounded");
    if (std::isfinite(objective))
        std::printf("\"objective\": %.10g, ", objective);
    else
        std::printf("\"objective\": null, ");
    std::printf("\"unmatched\": %d, \"nodes\": %d, \"arcs\": %d, "
                "\"build_seconds\": %.6f, \"repeats\": %zu, \"seconds\": %.6f}\n",
                unmatched, lemon::countNodes(fl.g), lemon::countArcs(fl.g),
                build_s, n, med);
    return type == Simplex::OPTIMAL ? 0 : 1;
}
