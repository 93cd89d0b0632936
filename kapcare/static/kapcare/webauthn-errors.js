// allauth's passkey scripts only log a failure to the console: show it next to the button.
document.addEventListener('allauth.error', function (event) {
  const box = document.getElementById('webauthn-error')
  if (!box) return
  event.preventDefault()
  box.textContent = 'The passkey was not used: it was cancelled, timed out, or is not registered here. Try again, or use a code.'
  box.hidden = false
})
