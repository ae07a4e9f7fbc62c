package dev.ferry.tcp.wire;

import java.util.HexFormat;

/**
 * Frames encoded by an independent encoder, scapy 2.x (Debian's python3-scapy), once, with {@code
 * M1 = '02:00:00:00:00:01'} and {@code M2 = '02:00:00:00:00:02'}; regenerate with {@code
 * /usr/bin/python3 -c "from scapy.all import *; print(bytes(EXPR).hex())"}. Our parser must read
 * them and our builder must write the same bytes.
 */
final class GoldenFrames {
    private GoldenFrames() {}

    /** scapy: {@code Ether(src=M1,dst=M2)/IP(src='10.0.0.1',dst='10.0.0.2',flags='DF',id=0,ttl=64)/TCP(sport=40000,dport=80,seq=1000,flags='S',window=64240,options=[('MSS',1460),('SAckOK',b''),('Timestamp',(12345,0)),('NOP',None),('WScale',7)])} */
    static final String SYN_V4_ALL_OPTIONS =
            "02000000000202000000000108004500003c00004000400626ba0a0000010a0000029c400050000003e800000000a002faf0685b0000020405b40402080a000030390000000001030307";

    /** scapy: {@code Ether(src=M1,dst=M2)/IP(src='10.0.0.1',dst='10.0.0.2',flags='DF',id=0,ttl=64)/TCP(sport=40000,dport=80,seq=1001,ack=5001,flags='PA',window=502,options=[('NOP',None),('NOP',None),('Timestamp',(100,200)),('NOP',None),('NOP',None),('SAck',(7000,8000,9000,9500))])/Raw(b'hello')} */
    static final String DATA_V4_TS_SACK =
            "02000000000202000000000108004500004d00004000400626a90a0000010a0000029c400050000003e900001389d01801f68eb300000101080a00000064000000c80101051200001b5800001f40000023280000251c68656c6c6f";

    /** scapy: {@code Ether(src=M2,dst=M1)/IPv6(src='fd00::2',dst='fd00::1',hlim=64)/TCP(sport=80,dport=40000,seq=5000,ack=1001,flags='SA',window=65160,options=[('MSS',1440),('SAckOK',b''),('Timestamp',(777,12345)),('NOP',None),('WScale',9)])} */
    static final String SYNACK_V6_OPTIONS =
            "02000000000102000000000286dd6000000000280640fd000000000000000000000000000002fd00000000000000000000000000000100509c4000001388000003e9a012fe8868310000020405a00402080a000003090000303901030309";

    /** scapy: {@code Ether(src=M1,dst=M2)/Dot1Q(vlan=100)/IP(src='10.0.0.1',dst='10.0.0.2',flags='DF',id=0,ttl=64)/TCP(sport=40000,dport=80,seq=1001,ack=5001,flags='A',window=502)} */
    static final String ACK_V4_VLAN =
            "0200000000020200000000018100006408004500002800004000400626ce0a0000010a0000029c400050000003e900001389501001f6e5d90000";

    /** scapy: {@code Ether(src=M1,dst=M2,type=0x88a8)/Dot1AD(vlan=10)/Dot1Q(vlan=20)/IP(src='10.0.0.1',dst='10.0.0.2',flags='DF',id=0,ttl=64)/TCP(sport=40000,dport=80,seq=1001,ack=5001,flags='A',window=502)} */
    static final String ACK_V4_QINQ =
            "02000000000202000000000188a8000a8100001408004500002800004000400626ce0a0000010a0000029c400050000003e900001389501001f6e5d90000";

    /** scapy: {@code Ether(src=M1,dst='ff:ff:ff:ff:ff:ff')/ARP(op=1,hwsrc=M1,psrc='10.0.0.1',hwdst='00:00:00:00:00:00',pdst='10.0.0.2')} */
    static final String ARP_REQUEST =
            "ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002";

    /** scapy: {@code Ether(src=M2,dst=M1)/ARP(op=2,hwsrc=M2,psrc='10.0.0.2',hwdst=M1,pdst='10.0.0.1')} */
    static final String ARP_REPLY =
            "020000000001020000000002080600010800060400020200000000020a0000020200000000010a000001";

    /** scapy: {@code Ether(src=M1,dst=M2)/IP(src='10.0.0.1',dst='10.0.0.2',flags='DF',id=7,ttl=64,options=[IPOption_NOP(),IPOption_NOP(),IPOption_NOP(),IPOption_EOL()])/TCP(sport=40000,dport=80,seq=1,ack=2,flags='A',window=100)/Raw(b'abc')} */
    static final String V4_IP_OPTIONS =
            "02000000000202000000000108004600002f00074000400623bf0a0000010a000002010101009c4000500000000100000002501000643a750000616263";

    /** scapy: {@code Ether(src=M1,dst=M2)/IP(src='10.0.0.1',dst='10.0.0.2',flags='DF',id=0,ttl=64)/TCP(sport=40000,dport=80,seq=1,ack=2,flags='A',window=100,options=[(30,b'\x00\x01'),('NOP',None),('NOP',None),('MSS',536)])} */
    static final String V4_UNKNOWN_OPTION =
            "02000000000202000000000108004500003400004000400626c20a0000010a0000029c400050000000010000000280100064abac00001e0400010101020402180000";

    /** scapy: {@code Ether(src=M1,dst=M2)/IP(src='10.0.0.1',dst='10.0.0.2',flags='DF',id=0,ttl=64)/TCP(sport=40000,dport=80,seq=1,ack=2,flags='A',window=100)/Padding(b'\x00'*6)} */
    static final String V4_PADDED_ACK =
            "02000000000202000000000108004500002800004000400626ce0a0000010a0000029c400050000000010000000250100064feda0000000000000000";

    /** scapy: {@code Ether(src=M1,dst=M2)/IPv6(src='fd00::1',dst='fd00::2')/IPv6ExtHdrHopByHop()/TCP(sport=40000,dport=80,flags='S')} */
    static final String V6_HOP_BY_HOP =
            "02000000000202000000000186dd60000000001c0040fd000000000000000000000000000001fd00000000000000000000000000000206000104000000009c400050000000000000000050022000f94d0000";

    /** scapy: {@code Ether(src=M1,dst=M2)/IP(src='10.0.0.1',dst='10.0.0.2',flags='MF',id=9,ttl=64)/TCP(sport=40000,dport=80,flags='S')} */
    static final String V4_FRAGMENT =
            "02000000000202000000000108004500002800092000400646c50a0000010a0000029c400050000000000000000050022000df4f0000";

    /** scapy: {@code Ether(src=M1,dst=M2)/IP(src='10.0.0.1',dst='10.0.0.2',flags='DF',id=0,ttl=64)/UDP(sport=5353,dport=53)/Raw(b'x')} */
    static final String V4_UDP =
            "02000000000202000000000108004500001d00004000401126ce0a0000010a00000214e9003500095ebb78";

    /** scapy: {@code Ether(src=M1,dst=M2)/IP(src='10.0.0.1',dst='10.0.0.2',tos=0x02,flags='DF',id=0,ttl=64)/TCP(sport=40000,dport=80,seq=4294967295,flags='SEC',window=64240,options=[('MSS',1460)])} */
    static final String SYN_V4_ECN =
            "02000000000202000000000108004502002c00004000400626c80a0000010a0000029c400050ffffffff0000000060c2faf0ebe20000020405b4";

    /** scapy: {@code Ether(src=M1,dst=M2)/IPv6(src='2001:db8::a',dst='2001:db8::b',hlim=64)/TCP(sport=443,dport=51000,seq=2147483648,ack=4000000000,flags='FPA',window=1024)/Raw(b'bye!')} */
    static final String FIN_V6_DATA =
            "02000000000202000000000186dd600000000018064020010db800000000000000000000000a20010db800000000000000000000000b01bbc73880000000ee6b2800501904002946000062796521";

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
