// No WebRTC in the benchmark: the loopback seeder speaks TCP/uTP only.
export const RTCPeerConnection = undefined
export const RTCSessionDescription = undefined
export const RTCIceCandidate = undefined
export default {}
