#!/usr/bin/env python3
"""Catches every packet a process in this network namespace addresses off the loopback.

Runs inside the suite's own network namespace (see isolated.sh): it opens TUN device NAME, which carries the
namespace's default routes, so the only way off `lo` leads here. It never forwards anything. Each packet is
recorded as one JSON line in LOG ({"proto","dst","port","src","count"} per destination, rewritten as counts
grow), and TCP SYNs are answered with a RST (the dialler sees "connection refused" at once instead of
hanging), UDP with ICMP port-unreachable. Stops on SIGTERM.
"""
import fcntl, json, os, signal, socket, struct, sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_header(src: bytes, dst: bytes, proto: int, payload_len: int) -> bytes:
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, 0, 0x4000, 64, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:]


def tcp_rst(pkt: bytes, ihl: int) -> bytes | None:
    sport, dport, seq, ack, off_flags = struct.unpack("!HHIIH", pkt[ihl : ihl + 14])
    flags = off_flags & 0x3F
    if flags & 0x04:  # never answer a RST
        return None
    payload = len(pkt) - ihl - ((off_flags >> 12) * 4)
    syn_fin = 1 if flags & 0x03 else 0
    src, dst = pkt[16:20], pkt[12:16]
    tcp = struct.pack("!HHIIHHHH", dport, sport, 0, seq + payload + syn_fin, (5 << 12) | 0x14, 0, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    return ipv4_header(src, dst, 6, len(tcp)) + tcp


def icmp_unreachable(pkt: bytes, ihl: int) -> bytes:
    quoted = pkt[: ihl + 8]
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    return ipv4_header(pkt[16:20], pkt[12:16], 1, len(icmp)) + icmp


def main() -> None:
    name, log_path = sys.argv[1], sys.argv[2]
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    seen: dict[tuple, dict] = {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Tell isolated.sh the device exists (it configures addresses and routes next).
    open(log_path, "w").close()
    os.write(1, b"ready\n")
    while True:
        pkt = os.read(fd, 65535)
        version = pkt[0] >> 4
        reply = None
        if version == 4:
            ihl = (pkt[0] & 0x0F) * 4
            proto = pkt[9]
            dst, src = socket.inet_ntop(socket.AF_INET, pkt[16:20]), socket.inet_ntop(socket.AF_INET, pkt[12:16])
            port = struct.unpack("!H", pkt[ihl + 2 : ihl + 4])[0] if proto in (6, 17) else 0
            if proto == 6:
                reply = tcp_rst(pkt, ihl)
            elif proto == 17:
                reply = icmp_unreachable(pkt, ihl)
        elif version == 6:
            proto = pkt[6]
            dst, src = socket.inet_ntop(socket.AF_INET6, pkt[24:40]), socket.inet_ntop(socket.AF_INET6, pkt[8:24])
            port = struct.unpack("!H", pkt[42:44])[0] if proto in (6, 17) else 0
        else:
            continue
        if version == 6 and proto == 58:  # neighbour/router solicitations of the device itself
            continue
        key = ({6: "tcp", 17: "udp", 1: "icmp"}.get(proto, str(proto)), dst, port)
        entry = seen.setdefault(key, {"proto": key[0], "dst": dst, "port": port, "src": src, "count": 0})
        entry["count"] += 1
        with open(log_path + ".tmp", "w") as f:
            for e in seen.values():
                f.write(json.dumps(e) + "\n")
        os.replace(log_path + ".tmp", log_path)
        if reply:
            os.write(fd, reply)


if __name__ == "__main__":
    main()
